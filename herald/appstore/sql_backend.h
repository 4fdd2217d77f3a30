// herald/appstore/sql_backend.h
//
// What the PostgreSQL and MySQL backends share: the five operations of Backend written once as
// statements of their dialect, over a connection each backend makes and a statement each runs.
// Owner: one thread at a time (Backend).
#pragma once

#include <chrono>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "herald/appstore/backend.h"
#include "herald/appstore/statements.h"

namespace herald::appstore {

struct BackendOptions {
    std::string url;
    std::optional<std::string> password;      // overrides the URL's (HERALD_APP_STORE_PASSWORD)
    std::string table = "apps";               // checked by valid_table_name()
    std::chrono::milliseconds timeout{3000};  // connecting, and each statement
};

class SqlBackend : public Backend {
public:
    [[nodiscard]] DbResult<std::optional<AppRow>> find(server::AppLookup by,
                                                       std::string_view value) final;
    [[nodiscard]] DbResult<std::vector<AppRow>> list() final;
    [[nodiscard]] DbResult<bool> insert(const AppRow& row) final;
    [[nodiscard]] DbResult<bool> update(std::string_view id, const AppRow& row) final;
    [[nodiscard]] DbResult<bool> remove(std::string_view id) final;

protected:
    struct Reply {
        std::vector<std::string> columns;  // of a result set
        std::vector<AppRow> rows;
        std::size_t affected = 0;  // of a write
    };

    using Values = std::vector<std::optional<std::string>>;

    SqlBackend(Dialect dialect, BackendOptions options)
        : dialect_(dialect), options_(std::move(options)) {}

    // Connects unless connected (nothing else: the table's columns are learnt here).
    [[nodiscard]] virtual DbResult<bool> open() = 0;
    // Runs one statement on the open connection; on failure the connection is closed, so the next
    // statement connects again.
    [[nodiscard]] virtual DbResult<Reply> run(const std::string& sql, const Values& values) = 0;

    [[nodiscard]] const BackendOptions& options() const noexcept { return options_; }

private:
    DbResult<bool> connect();

    Dialect dialect_;
    BackendOptions options_;
    std::set<std::string, std::less<>> columns_;
};

}  // namespace herald::appstore
