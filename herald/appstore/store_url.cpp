#include "herald/appstore/store_url.h"

#include <algorithm>

#include "herald/util/parse.h"

namespace herald::appstore {

namespace {

constexpr std::size_t kMaxIdentifier = 63;  // PostgreSQL's limit (MySQL allows 64)

bool valid_identifier(std::string_view name) noexcept {
    const auto word = [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '_';
    };
    return !name.empty() && name.size() <= kMaxIdentifier && !(name[0] >= '0' && name[0] <= '9') &&
           std::all_of(name.begin(), name.end(), word);
}

std::string_view after_scheme(std::string_view url) {
    const auto scheme = url.find("://");
    return scheme == std::string_view::npos ? std::string_view{} : url.substr(scheme + 3);
}

}  // namespace

util::Result<StoreKind, std::string> store_kind(std::string_view url) {
    if (url.starts_with("postgresql://") || url.starts_with("postgres://")) {
        return StoreKind::Postgres;
    }
    if (url.starts_with("mysql://") || url.starts_with("mariadb://")) {
        return StoreKind::MySql;
    }
    return util::unexpected(std::string(
            "an app store URL starts with postgresql://, postgres://, mysql:// or mariadb://"));
}

util::Result<MySqlTarget, std::string> parse_mysql_url(std::string_view url) {
    auto rest = after_scheme(url);
    MySqlTarget target;
    std::string_view query;
    if (const auto q = rest.find('?'); q != std::string_view::npos) {
        query = rest.substr(q + 1);
        rest = rest.substr(0, q);
    }
    const auto slash = rest.find('/');
    auto authority = rest.substr(0, slash);
    if (slash != std::string_view::npos) {
        target.database = util::percent_decode(rest.substr(slash + 1));
    }
    if (const auto at = authority.rfind('@'); at != std::string_view::npos) {
        const auto user = authority.substr(0, at);
        const auto colon = user.find(':');
        target.user = util::percent_decode(user.substr(0, colon));
        if (colon != std::string_view::npos) {
            target.password = util::percent_decode(user.substr(colon + 1));
        }
        authority = authority.substr(at + 1);
    }
    if (!authority.empty()) {
        const auto parts = util::split_authority(authority);
        if (!parts) {
            return util::unexpected("app store URL: cannot read the host of '" +
                                    std::string(authority) + "'");
        }
        target.host = std::string(parts->host);
        if (parts->port) {
            const auto port = util::parse_port(*parts->port);
            if (!port) {
                return util::unexpected("app store URL: '" + std::string(*parts->port) +
                                        "' is not a port number");
            }
            target.port = *port;
        }
    }
    if (query.starts_with("socket=")) {
        target.socket = util::percent_decode(query.substr(7));
    } else if (!query.empty()) {
        return util::unexpected("app store URL: the only option of a mysql:// URL is ?socket=PATH");
    }
    if (target.database.empty()) {
        return util::unexpected(
                std::string("app store URL: name the database: mysql://user@host/DATABASE"));
    }
    return target;
}

bool valid_table_name(std::string_view name) noexcept {
    const auto dot = name.find('.');
    if (dot == std::string_view::npos) {
        return valid_identifier(name);
    }
    return valid_identifier(name.substr(0, dot)) && valid_identifier(name.substr(dot + 1));
}

}  // namespace herald::appstore
