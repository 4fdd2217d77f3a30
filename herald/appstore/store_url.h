// herald/appstore/store_url.h
//
// What `--app-store URL` names: `postgresql://` (or `postgres://`, passed to libpq as it is) or
// `mysql://user:password@host:port/database` (or `mariadb://`; `?socket=/path` for a Unix
// socket), and the table name, checked once at start so that it can be quoted into SQL.
// Owner: none (values and pure functions).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "herald/util/result.h"

namespace herald::appstore {

enum class StoreKind : std::uint8_t {
    Postgres,
    MySql
};

// The parts of a mysql:// URL, percent-decoded.
struct MySqlTarget {
    std::string user;
    std::optional<std::string> password;
    std::string host = "127.0.0.1";
    std::uint16_t port = 3306;
    std::string database;
    std::optional<std::string> socket;  // a Unix socket instead of host and port
};

// The kind of store a URL names, or why it names none.
[[nodiscard]] util::Result<StoreKind, std::string> store_kind(std::string_view url);

[[nodiscard]] util::Result<MySqlTarget, std::string> parse_mysql_url(std::string_view url);

// A table name: letters, digits and '_' (not first a digit), 1 to 63 of them, optionally after a
// schema name of the same form and a '.'.
[[nodiscard]] bool valid_table_name(std::string_view name) noexcept;

}  // namespace herald::appstore
