// herald/appstore/mariadb_backend.h
//
// The app store in MySQL 8 or MariaDB, through the MariaDB connector: prepared statements with
// `?` parameters, and connect, read and write timeouts so that a database that hangs costs a
// lookup a bounded time (then the connection is made again for the next statement).
// Owner: one thread at a time (Backend).
#pragma once

#include <memory>

#include "herald/appstore/sql_backend.h"

namespace herald::appstore {

class MariaDbBackend final : public SqlBackend {
public:
    explicit MariaDbBackend(BackendOptions options);
    ~MariaDbBackend() override;
    MariaDbBackend(const MariaDbBackend&) = delete;
    MariaDbBackend& operator=(const MariaDbBackend&) = delete;

private:
    struct Connection;

    [[nodiscard]] DbResult<bool> open() override;
    [[nodiscard]] DbResult<Reply> run(const std::string& sql, const Values& values) override;
    [[nodiscard]] DbResult<Reply> execute(const std::string& sql, const Values& values);

    std::unique_ptr<Connection> connection_;
};

}  // namespace herald::appstore
