#include "herald/cli/config_values.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <limits>
#include <vector>

#include <fmt/format.h>

#include "herald/cluster/redis_url.h"
#include "herald/webhooks/target.h"

namespace herald::cli {

namespace {

constexpr std::int64_t kMaxSeconds = 86400;
constexpr std::int64_t kMinLeaseMs = 200;
constexpr std::int64_t kMaxLeaseMs = 600000;
constexpr std::size_t kMaxHintDistance = 2;

constexpr std::array<std::string_view, 6> kLogLevels = {"trace", "debug", "info",
                                                        "warn",  "error", "off"};

char lower(char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool equals_ignoring_case(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                              [](char x, char y) { return lower(x) == lower(y); });
}

std::optional<std::int64_t> to_integer(std::string_view text) {
    std::int64_t value = 0;
    const auto* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (text.empty() || ec != std::errc{} || ptr != end) {
        return std::nullopt;
    }
    return value;
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

std::uint16_t check_port(std::int64_t value, std::string_view origin, std::string_view shown) {
    if (value < 0 || value > std::numeric_limits<std::uint16_t>::max()) {
        fail(origin, shown, "a port number (0-65535)");
    }
    return static_cast<std::uint16_t>(value);
}

std::size_t check_count(std::int64_t value, std::int64_t minimum, std::string_view origin,
                        std::string_view shown) {
    if (value < minimum) {
        fail(origin, shown, minimum <= 0 ? "a non-negative integer" : "a positive integer");
    }
    return static_cast<std::size_t>(value);
}

std::chrono::seconds check_seconds(std::int64_t value, std::string_view origin,
                                   std::string_view shown) {
    if (value < 1 || value > kMaxSeconds) {
        fail(origin, shown, "a whole number of seconds from 1 to 86400");
    }
    return std::chrono::seconds(value);
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
             "redis://[[user]:password@]host[:port][/db] (" + parsed.error() + ")");
    }
    return std::string(text);
}

std::chrono::milliseconds check_lease_ms(std::int64_t value, std::string_view origin,
                                         std::string_view shown) {
    if (value < kMinLeaseMs || value > kMaxLeaseMs) {
        fail(origin, shown, "a whole number of milliseconds from 200 to 600000");
    }
    return std::chrono::milliseconds(value);
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
    const auto value = to_integer(text);
    if (!value) {
        fail(origin, in_quotes(text), "a port number (0-65535)");
    }
    return check_port(*value, origin, in_quotes(text));
}

std::size_t parse_count(std::string_view text, std::int64_t minimum, std::string_view origin) {
    const auto value = to_integer(text);
    if (!value) {
        fail(origin, in_quotes(text),
             minimum <= 0 ? "a non-negative integer" : "a positive integer");
    }
    return check_count(*value, minimum, origin, in_quotes(text));
}

std::chrono::milliseconds parse_lease_ms(std::string_view text, std::string_view origin) {
    const auto value = to_integer(text);
    if (!value) {
        fail(origin, in_quotes(text), "a whole number of milliseconds from 200 to 600000");
    }
    return check_lease_ms(*value, origin, in_quotes(text));
}

std::chrono::seconds parse_seconds(std::string_view text, std::string_view origin) {
    const auto value = to_integer(text);
    if (!value) {
        fail(origin, in_quotes(text), "a whole number of seconds from 1 to 86400");
    }
    return check_seconds(*value, origin, in_quotes(text));
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
    HostPort out;
    std::string_view host = text;
    std::optional<std::string_view> port;
    if (text.starts_with('[')) {
        const auto close = text.find(']');
        if (close == std::string_view::npos ||
            (close + 1 < text.size() && text[close + 1] != ':')) {
            fail(origin, in_quotes(text), "HOST, HOST:PORT or [IPv6]:PORT");
        }
        host = text.substr(1, close - 1);
        if (close + 1 < text.size()) {
            port = text.substr(close + 2);
        }
    } else if (std::count(text.begin(), text.end(), ':') == 1) {
        const auto colon = text.find(':');
        host = text.substr(0, colon);
        port = text.substr(colon + 1);
    }
    if (port) {
        const auto value = to_integer(*port);
        if (!value || *value < 0 || *value > std::numeric_limits<std::uint16_t>::max()) {
            fail(origin, in_quotes(text), "HOST:PORT with a port number from 0 to 65535");
        }
        out.port = static_cast<std::uint16_t>(*value);
    }
    if (!host.empty() || !port) {
        out.host = check_host(host, origin);
    }
    return out;
}

}  // namespace herald::cli
