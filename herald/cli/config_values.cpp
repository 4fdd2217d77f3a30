#include "herald/cli/config_values.h"

#include <algorithm>
#include <array>
#include <limits>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "herald/appstore/store_url.h"
#include "herald/cluster/redis_url.h"
#include "herald/util/parse.h"
#include "herald/webhooks/target.h"

namespace herald::cli {

namespace {

constexpr std::int64_t kMaxSeconds = 86400;
constexpr std::int64_t kMaxPort = std::numeric_limits<std::uint16_t>::max();
constexpr std::size_t kMaxHintDistance = 2;
constexpr std::string_view kPrefix = "config error: ";
constexpr std::int64_t kNoPosition = std::numeric_limits<std::int64_t>::max();

constexpr std::array<std::string_view, 6> kLogLevels = {"trace", "debug", "info",
                                                        "warn",  "error", "off"};
constexpr std::array<std::string_view, 2> kLogFormats = {"text", "json"};

char lower(char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool equals_ignoring_case(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                              [](char x, char y) { return lower(x) == lower(y); });
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) {
        row[j] = j;
    }
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t above = row[j];
            const std::size_t cost = lower(a[i - 1]) == lower(b[j - 1]) ? 0 : 1;
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + cost});
            diagonal = above;
        }
    }
    return row[b.size()];
}

bool is_unreserved(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == '.' || c == '~';
}

}  // namespace

ConfigError::ConfigError(const std::string& message) : std::runtime_error(message) {}

void Diagnostics::add(const ConfigError& error) {
    std::string_view text = error.what();
    if (text.starts_with(kPrefix)) {
        text.remove_prefix(kPrefix.size());
    }
    problems_.emplace_back(text);
}

void Diagnostics::sort_by_position(std::string_view source) {
    // "FILE:LINE:COL: ..." as (LINE, COL); other problems after them, in their order.
    const auto position = [source](std::string_view problem) {
        if (!problem.starts_with(source) || problem.substr(source.size(), 1) != ":") {
            return std::pair{kNoPosition, kNoPosition};
        }
        problem.remove_prefix(source.size() + 1);
        const auto number = [&problem]() -> std::int64_t {
            const auto end = problem.find(':');
            const auto value = util::parse_integer<std::int64_t>(problem.substr(0, end));
            problem.remove_prefix(end == std::string_view::npos ? problem.size() : end + 1);
            return value.value_or(kNoPosition);
        };
        const auto line = number();
        return std::pair{line, number()};
    };
    std::stable_sort(
            problems_.begin(), problems_.end(),
            [&](const std::string& a, const std::string& b) { return position(a) < position(b); });
}

void Diagnostics::throw_first() const {
    if (problems_.empty()) {
        return;
    }
    if (problems_.size() == 1) {
        throw ConfigError(fmt::format("{}{}", kPrefix, problems_.front()));
    }
    throw ConfigError(fmt::format("{}{} (and {} more: `herald config check` lists them all)",
                                  kPrefix, problems_.front(), problems_.size() - 1));
}

void fail(std::string_view origin, std::string_view shown, std::string_view expected) {
    throw ConfigError(fmt::format("config error: {} = {}: expected {}", origin, shown, expected));
}

std::string in_quotes(std::string_view text) {
    std::string out = "\"";
    for (const char c : text) {
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
            out += fmt::format("\\x{:02x}", static_cast<unsigned char>(c));
        } else {
            out += c;
        }
    }
    out += '"';
    return out;
}

std::optional<std::string_view> closest_name(std::string_view name,
                                             std::span<const std::string_view> known) {
    std::optional<std::string_view> best;
    std::size_t best_distance = kMaxHintDistance + 1;
    for (const auto candidate : known) {
        const auto distance = edit_distance(name, candidate);
        if (distance < best_distance) {
            best_distance = distance;
            best = candidate;
        }
    }
    return best;
}

std::int64_t check_range(std::int64_t value, std::int64_t minimum, std::int64_t maximum,
                         std::string_view origin, std::string_view shown,
                         std::string_view expected) {
    if (value < minimum || value > maximum) {
        fail(origin, shown, expected);
    }
    return value;
}

std::int64_t parse_in_range(std::string_view text, std::int64_t minimum, std::int64_t maximum,
                            std::string_view origin, std::string_view expected) {
    const auto value = util::parse_integer<std::int64_t>(text);
    if (!value) {
        fail(origin, in_quotes(text), expected);
    }
    return check_range(*value, minimum, maximum, origin, in_quotes(text), expected);
}

std::size_t check_count(std::int64_t value, std::int64_t minimum, std::string_view origin,
                        std::string_view shown) {
    return static_cast<std::size_t>(
            check_range(value, minimum, std::numeric_limits<std::int64_t>::max(), origin, shown,
                        minimum <= 0 ? "a non-negative integer" : "a positive integer"));
}

std::string check_host(std::string_view text, std::string_view origin) {
    const bool bad = text.empty() || std::any_of(text.begin(), text.end(), [](char c) {
                         return c == '/' || c == ' ' || c == '[' || c == ']' ||
                                static_cast<unsigned char>(c) < 0x21;
                     });
    if (bad) {
        fail(origin, in_quotes(text), "a host name or IP address (e.g. \"127.0.0.1\" or \"::\")");
    }
    return std::string(text);
}

std::string check_log_level(std::string_view text, std::string_view origin) {
    for (const auto level : kLogLevels) {
        if (equals_ignoring_case(text, level)) {
            return std::string(level);
        }
    }
    fail(origin, in_quotes(text), "one of trace, debug, info, warn, error, off");
}

std::string check_log_format(std::string_view text, std::string_view origin) {
    for (const auto format : kLogFormats) {
        if (equals_ignoring_case(text, format)) {
            return std::string(format);
        }
    }
    fail(origin, in_quotes(text), "one of text, json");
}

std::string check_path_prefix(std::string_view text, std::string_view origin) {
    const bool bad = !text.empty() &&
                     (text.front() != '/' || text.find_first_of("?# \t") != std::string_view::npos);
    if (bad) {
        fail(origin, in_quotes(text), "empty or a path starting with \"/\" (e.g. \"/ws\")");
    }
    while (!text.empty() && text.back() == '/') {
        text.remove_suffix(1);  // "/ws/" and "/ws" name the same prefix; "/" means none
    }
    return std::string(text);
}

std::string check_redis_url(std::string_view text, std::string_view origin) {
    const auto parsed = cluster::parse_redis_url(text);
    if (!parsed) {
        fail(origin, in_quotes(text),
             "redis[s]://[[user]:password@]host[:port][/db] (" + parsed.error() + ")");
    }
    return std::string(text);
}

std::string check_redis_sentinels(std::string_view text, std::string_view origin) {
    const auto parsed = cluster::parse_sentinels(text);
    if (!parsed) {
        fail(origin, in_quotes(text), "host:port,host:port (" + parsed.error() + ")");
    }
    return std::string(text);
}

std::string check_redis_master_name(std::string_view text, std::string_view origin) {
    if (text.empty() || text.find_first_of(" \t\r\n") != std::string_view::npos) {
        fail(origin, in_quotes(text), "a master name without spaces, e.g. mymaster");
    }
    return std::string(text);
}

std::string check_app_store_url(std::string_view text, std::string_view origin) {
    auto kind = appstore::store_kind(text);
    if (kind && kind.value() == appstore::StoreKind::MySql) {
        if (auto parsed = appstore::parse_mysql_url(text); !parsed) {
            fail(origin, "an app store URL",
                 "mysql://user[:password]@host[:port]/database (" + parsed.error() + ")");
        }
    }
    if (!kind) {
        fail(origin, "an app store URL", kind.error());  // the URL may hold a password
    }
    return std::string(text);
}

std::string check_app_store_table(std::string_view text, std::string_view origin) {
    if (!appstore::valid_table_name(text)) {
        fail(origin, in_quotes(text),
             "a table name: letters, digits and '_' (not first a digit), optionally after "
             "'schema.'");
    }
    return std::string(text);
}

std::string check_app_name(std::string_view text, std::string_view origin) {
    if (text.empty() || !std::all_of(text.begin(), text.end(), is_unreserved)) {
        fail(origin, in_quotes(text),
             "a non-empty string of letters, digits, '-', '_', '.' or '~'");
    }
    return std::string(text);
}

std::string check_not_empty(std::string_view text, std::string_view origin,
                            std::string_view expected) {
    if (text.empty()) {
        fail(origin, in_quotes(text), expected);
    }
    return std::string(text);
}

std::string check_webhook_url(std::string_view text, std::string_view origin) {
    if (!webhooks::valid_target_url(text)) {
        fail(origin, in_quotes(text), "an http:// or https:// URL without spaces");
    }
    return std::string(text);
}

std::uint16_t parse_port(std::string_view text, std::string_view origin) {
    return static_cast<std::uint16_t>(
            parse_in_range(text, 0, kMaxPort, origin, "a port number (0-65535)"));
}

std::size_t parse_count(std::string_view text, std::int64_t minimum, std::string_view origin) {
    return static_cast<std::size_t>(
            parse_in_range(text, minimum, std::numeric_limits<std::int64_t>::max(), origin,
                           minimum <= 0 ? "a non-negative integer" : "a positive integer"));
}

std::chrono::seconds parse_seconds(std::string_view text, std::string_view origin) {
    return std::chrono::seconds(parse_in_range(text, 1, kMaxSeconds, origin,
                                               "a whole number of seconds from 1 to 86400"));
}

bool parse_bool(std::string_view text, std::string_view origin) {
    for (const auto* const yes : {"true", "1", "yes", "on"}) {
        if (equals_ignoring_case(text, yes)) {
            return true;
        }
    }
    for (const auto* const no : {"false", "0", "no", "off"}) {
        if (equals_ignoring_case(text, no)) {
            return false;
        }
    }
    fail(origin, in_quotes(text), "true or false (also 1/0, yes/no, on/off)");
}

HostPort parse_host_port(std::string_view text, std::string_view origin) {
    const auto authority = util::split_authority(text);
    if (!authority) {
        fail(origin, in_quotes(text), "HOST, HOST:PORT or [IPv6]:PORT");
    }
    HostPort out;
    if (authority->port) {
        out.port = util::parse_port(*authority->port);
        if (!out.port) {
            fail(origin, in_quotes(text), "HOST:PORT with a port number from 0 to 65535");
        }
    }
    if (!authority->host.empty() || !authority->port) {
        out.host = check_host(authority->host, origin);
    }
    return out;
}

}  // namespace herald::cli
