// herald/appstore/postgres_backend.h
//
// The app store in PostgreSQL, through libpq: parameterised statements ($1), sent without
// blocking and waited for at most the timeout (a database that hangs costs a lookup that long;
// then the connection is dropped and made again for the next statement).
// Owner: one thread at a time (Backend).
#pragma once

#include <memory>

#include "herald/appstore/sql_backend.h"

namespace herald::appstore {

class PostgresBackend final : public SqlBackend {
public:
    explicit PostgresBackend(BackendOptions options);
    ~PostgresBackend() override;
    PostgresBackend(const PostgresBackend&) = delete;
    PostgresBackend& operator=(const PostgresBackend&) = delete;

private:
    struct Connection;

    [[nodiscard]] DbResult<bool> open() override;
    [[nodiscard]] DbResult<Reply> run(const std::string& sql, const Values& values) override;
    [[nodiscard]] DbResult<Reply> execute(const std::string& sql, const Values& values);

    std::unique_ptr<Connection> connection_;
};

}  // namespace herald::appstore
