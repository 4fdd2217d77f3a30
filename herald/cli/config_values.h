// herald/cli/config_values.h
//
// The checks every configuration source shares: one error type whose message names the setting,
// the value and what was expected, and conversions of setting text (flags, HERALD_* variables,
// Slanger's YAML scalars) into typed values. Knows nothing of files or the command line.
// Owner: none (pure functions), used while `herald` starts.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace herald::cli {

// A configuration that cannot be used. what() is one line for the user, starting "config error: ".
class ConfigError : public std::runtime_error {
public:
    explicit ConfigError(const std::string& message);
};

// The problems found in one configuration source, each one line "FILE:LINE:COL: message" (a
// ConfigError's text without its "config error: " prefix). The readers record a problem and go
// on with the next key, so `herald config check` lists every one; `herald serve` stops at the
// first (throw_first).
class Diagnostics {
public:
    // Runs `step`; a ConfigError it throws is recorded rather than passed on.
    template <typename Step>
    void attempt(Step&& step) {
        try {
            step();
        } catch (const ConfigError& e) {
            add(e);
        }
    }

    void add(const ConfigError& error);

    [[nodiscard]] const std::vector<std::string>& problems() const noexcept { return problems_; }

    [[nodiscard]] bool empty() const noexcept { return problems_.empty(); }

    // Puts the problems in `source` in the order of their positions in it (a reader meets keys
    // in its own order), before those of other sources.
    void sort_by_position(std::string_view source);

    // Throws the first problem as a ConfigError, saying how many more there are; nothing when
    // there is none.
    void throw_first() const;

private:
    std::vector<std::string> problems_;
};

// Throws `config error: ORIGIN = SHOWN: expected EXPECTED`.
[[noreturn]] void fail(std::string_view origin, std::string_view shown, std::string_view expected);

// A value as the user wrote it, with where it came from ("--port", "HERALD_PORT", "port in
// herald.toml line 3"): the origin is what error messages name.
template <typename T>
struct Given {
    std::optional<T> value;
    std::string origin;

    void set(T v, std::string where) {
        value = std::move(v);
        origin = std::move(where);
    }

    explicit operator bool() const noexcept { return value.has_value(); }

    const T& operator*() const { return *value; }

    const T* operator->() const { return &*value; }
};

// Text shown between double quotes, with quotes, backslashes and control bytes escaped.
[[nodiscard]] std::string in_quotes(std::string_view text);

// The known name nearest to `name` (at most two edits away), for "did you mean" hints.
[[nodiscard]] std::optional<std::string_view> closest_name(std::string_view name,
                                                           std::span<const std::string_view> known);

struct HostPort {
    std::string host;
    std::optional<std::uint16_t> port;
};

// `value` when it is from `minimum` to `maximum`, else `config error: ORIGIN = SHOWN: expected
// EXPECTED`.
[[nodiscard]] std::int64_t check_range(std::int64_t value, std::int64_t minimum,
                                       std::int64_t maximum, std::string_view origin,
                                       std::string_view shown, std::string_view expected);
// The same for a whole-string integer written as text.
[[nodiscard]] std::int64_t parse_in_range(std::string_view text, std::int64_t minimum,
                                          std::int64_t maximum, std::string_view origin,
                                          std::string_view expected);
[[nodiscard]] std::size_t check_count(std::int64_t value, std::int64_t minimum,
                                      std::string_view origin, std::string_view shown);

// Checks on strings, returning the value to use.
[[nodiscard]] std::string check_host(std::string_view text, std::string_view origin);
[[nodiscard]] std::string check_log_level(std::string_view text, std::string_view origin);
[[nodiscard]] std::string check_log_format(std::string_view text, std::string_view origin);
[[nodiscard]] std::string check_path_prefix(std::string_view text, std::string_view origin);
// A Redis URL as cluster::parse_redis_url reads it (redis://, rediss://, redis+sentinel://).
[[nodiscard]] std::string check_redis_url(std::string_view text, std::string_view origin);
// host:port,host:port (redis_sentinels).
[[nodiscard]] std::string check_redis_sentinels(std::string_view text, std::string_view origin);
// A Sentinel master name: not empty, no spaces.
[[nodiscard]] std::string check_redis_master_name(std::string_view text, std::string_view origin);
// postgresql://, postgres://, mysql:// or mariadb:// (a mysql:// URL must read whole).
[[nodiscard]] std::string check_app_store_url(std::string_view text, std::string_view origin);
// A table name the app store can quote: letters, digits, '_', optionally after "schema.".
[[nodiscard]] std::string check_app_store_table(std::string_view text, std::string_view origin);
[[nodiscard]] std::string check_app_name(std::string_view text, std::string_view origin);
// http:// or https://, a host, no whitespace or control characters.
[[nodiscard]] std::string check_webhook_url(std::string_view text, std::string_view origin);
[[nodiscard]] std::string check_not_empty(std::string_view text, std::string_view origin,
                                          std::string_view expected);

// Conversions of setting text.
[[nodiscard]] std::uint16_t parse_port(std::string_view text, std::string_view origin);
[[nodiscard]] std::size_t parse_count(std::string_view text, std::int64_t minimum,
                                      std::string_view origin);
[[nodiscard]] std::chrono::seconds parse_seconds(std::string_view text, std::string_view origin);
[[nodiscard]] bool parse_bool(std::string_view text, std::string_view origin);
// HOST, HOST:PORT, :PORT (host left empty) or [IPv6]:PORT; an address with several colons and
// no brackets is an IPv6 host without a port.
[[nodiscard]] HostPort parse_host_port(std::string_view text, std::string_view origin);

}  // namespace herald::cli
