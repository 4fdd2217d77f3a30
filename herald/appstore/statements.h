// herald/appstore/statements.h
//
// The SQL both backends send, with the table and column names quoted for the database and every
// value a parameter ($1 for PostgreSQL, ? for MySQL). Names come from the checked table name and
// from the table's own columns, never from a request.
// Owner: none (pure functions).
#pragma once

#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "herald/appstore/app_row.h"

namespace herald::appstore {

struct Dialect {
    char quote;     // '"' or '`'
    bool numbered;  // $1, $2 ... instead of ?
};

inline constexpr Dialect kPostgres{'"', true};
inline constexpr Dialect kMySql{'`', false};

// The cells of `row` whose column the table has, in column order.
struct Cells {
    std::vector<std::string> columns;
    std::vector<std::optional<std::string>> values;
};

[[nodiscard]] Cells cells_in(const AppRow& row, const std::set<std::string, std::less<>>& columns);

[[nodiscard]] std::string quoted(Dialect d, std::string_view table_or_column);
[[nodiscard]] std::string select_columns(Dialect d, std::string_view table);  // LIMIT 0
[[nodiscard]] std::string select_where(Dialect d, std::string_view table, std::string_view column);
[[nodiscard]] std::string select_all(Dialect d, std::string_view table);
[[nodiscard]] std::string insert_into(Dialect d, std::string_view table, const Cells& cells);
// The id is the last parameter.
[[nodiscard]] std::string update_where_id(Dialect d, std::string_view table, const Cells& cells);
[[nodiscard]] std::string delete_where_id(Dialect d, std::string_view table);

}  // namespace herald::appstore
