// herald/cli/setting.h
//
// What a `herald serve` setting is: its name (the TOML key), the HERALD_* variable and flags that
// also give it, its type and check, its help, and the ServerConfig member its value goes to. The
// default is that member's initialiser, read back from a default ServerConfig, so help and the
// reference show it without a copy to keep in step. One table of these (setting_table.cpp)
// drives the TOML reader, the environment, the command line, the precedence merge, "did you
// mean" hints, `serve --help` and the reference table in docs/CONFIGURATION.md, so a new setting
// is one entry there plus its use.
// Owner: none (constant data and pure functions), used while `herald` starts.
#pragma once

#include <chrono>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

#include "herald/server/config.h"

namespace herald::cli {

// A setting's value once checked.
using Value = std::variant<std::string, bool, std::uint16_t, std::size_t, std::chrono::seconds,
                           std::chrono::milliseconds, std::vector<std::string>>;

enum class Kind : std::uint8_t {
    Text,     // a string, checked by Setting::check
    Integer,  // a whole number within Type's range
    Switch,   // true or false; on the command line a flag without a value
    List,     // strings, each checked by Setting::check; a repeatable flag, one value elsewhere
};

// A kind of value with its range, the wording of its errors and its name in the reference.
struct Type {
    Kind kind;
    std::string_view expected;  // the end of a type or range error: "a port number (0-65535)"
    std::string_view shown;     // the reference's type column
    std::int64_t minimum = 0;
    std::int64_t maximum = 0;
    Value (*make)(std::int64_t) = nullptr;  // Integer: the typed value
};

template <typename T>
Value make_value(std::int64_t value) {
    return T(static_cast<typename T::rep>(value));
}

template <std::integral T>
Value make_integer(std::int64_t value) {
    return static_cast<T>(value);
}

inline constexpr Type kText{Kind::Text, "a string", "string"};
inline constexpr Type kSwitch{Kind::Switch, "true or false", "boolean"};
inline constexpr Type kUrls{Kind::List, "an array of strings", "URLs"};
inline constexpr Type kPort{Kind::Integer, "a port number (0-65535)",  "integer 0–65535", 0,
                            65535,         make_integer<std::uint16_t>};
inline constexpr Type kCount{Kind::Integer,
                             "a non-negative integer",
                             "integer ≥ 0",
                             0,
                             std::numeric_limits<std::int64_t>::max(),
                             make_integer<std::size_t>};
inline constexpr Type kPositive{Kind::Integer,
                                "a positive integer",
                                "integer ≥ 1",
                                1,
                                std::numeric_limits<std::int64_t>::max(),
                                make_integer<std::size_t>};
inline constexpr Type kMilliseconds{Kind::Integer,
                                    "a whole number of milliseconds (0 or more)",
                                    "integer ≥ 0 (ms)",
                                    0,
                                    std::numeric_limits<std::int64_t>::max(),
                                    make_value<std::chrono::milliseconds>};
inline constexpr Type kPositiveMilliseconds{Kind::Integer,
                                            "a whole number of milliseconds (1 or more)",
                                            "integer ≥ 1 (ms)",
                                            1,
                                            std::numeric_limits<std::int64_t>::max(),
                                            make_value<std::chrono::milliseconds>};
inline constexpr Type kSeconds{Kind::Integer,
                               "a whole number of seconds from 1 to 86400",
                               "integer 1–86400",
                               1,
                               86400,
                               make_value<std::chrono::seconds>};
inline constexpr Type kCacheSeconds{Kind::Integer,
                                    "a whole number of seconds from 0 to 86400",
                                    "integer 0–86400",
                                    0,
                                    86400,
                                    make_value<std::chrono::seconds>};
inline constexpr Type kDrainSeconds{Kind::Integer,
                                    "a whole number of seconds from 0 to 3600",
                                    "integer 0–3600",
                                    0,
                                    3600,
                                    make_value<std::chrono::seconds>};
inline constexpr Type kLeaseMs{Kind::Integer,
                               "a whole number of milliseconds from 200 to 600000",
                               "integer 200–600000",
                               200,
                               600000,
                               make_value<std::chrono::milliseconds>};

// Where a setting may be given besides its variable and flags.
enum class Scope : std::uint8_t {
    File,     // a key of the TOML file; a dotted name is a key of a table (tls.private_key)
    Process,  // nowhere else (the configuration file's own name)
    App,      // the one app: [[apps]] entries in a file have their own keys (config_toml.cpp)
};

// Where a setting's value lives in the ServerConfig: `store` puts a value there, `load` reads it
// back. Loading from a default ServerConfig gives the setting's default.
struct ConfigField {
    // Null: resolve() places the value itself (the API address, TLS, the one app).
    void (*store)(const Value& value, server::ServerConfig& config) = nullptr;
    // Nothing: the member is unset (an empty std::optional).
    std::optional<Value> (*load)(const server::ServerConfig& config) = nullptr;
};

struct Setting {
    std::string_view name{};  // the TOML key, also what Settings and CommandLine file it under
    Scope scope = Scope::File;
    const Type* type = &kText;
    std::string_view variable{};    // "HERALD_PORT"; empty: none
    std::string_view flags{};       // CLI11 names, Slanger's spellings included; empty: none
    std::string_view value_name{};  // "PORT" in --help
    // Text and List: checks one string and returns the value to use; null accepts any.
    std::string (*check)(std::string_view text, std::string_view origin) = nullptr;
    ConfigField field{};  // no load: the default is `default_text`, or unset
    // The default in words where it is not one value (it follows another setting); only for a
    // setting whose field has no load, so that no value is written down twice.
    std::string_view default_text{};
    std::string_view help{};  // one line of `serve --help`, without the default
    std::string_view doc{};   // the reference's meaning column (Markdown)
    // A value as the file writes it (TOML), for `herald config init` to show a setting that has
    // no single default; empty: the default is shown.
    std::string_view example{};
    bool secret = false;  // never printed (`herald config print` shows "(hidden)")
};

// Slanger's HOST[:PORT] spelling of two settings at once (-w/-a, websocket_host/api_host).
struct Address {
    std::string_view name;     // in CommandLine
    std::string_view flags;    // CLI11 names
    std::string_view slanger;  // the key in Slanger's YAML file
    std::string_view host;     // Setting::name of the host
    std::string_view port;     // Setting::name of the port
    std::string_view help;
};

// The member at the end of `Path` (&ServerConfig::listen, &Endpoint::port) in `config`.
template <auto... Path, typename Config>
auto& member_at(Config& config) {
    // clang-format off
    return (config .* ... .* Path);  // ((config.*P1).*P2)...
    // clang-format on
}

template <typename T>
concept Optional = requires(const T& t) {
    typename T::value_type;
    { t.has_value() } -> std::same_as<bool>;
};

// Stores a value in one ServerConfig member (std::optional members included).
template <auto... Path>
void store(const Value& value, server::ServerConfig& config) {
    auto& field = member_at<Path...>(config);
    using Member = std::remove_cvref_t<decltype(field)>;
    if constexpr (Optional<Member>) {
        field = std::get<typename Member::value_type>(value);
    } else {
        field = std::get<Member>(value);
    }
}

// Reads one ServerConfig member back: nothing when it is an empty std::optional.
template <auto... Path>
std::optional<Value> load(const server::ServerConfig& config) {
    const auto& field = member_at<Path...>(config);
    if constexpr (Optional<std::remove_cvref_t<decltype(field)>>) {
        return field ? std::optional<Value>(*field) : std::nullopt;
    } else {
        return Value(field);
    }
}

// The ConfigField of one ServerConfig member: `member<&ServerConfig::threads>()`.
template <auto... Path>
constexpr ConfigField member() {
    return {store<Path...>, load<Path...>};
}

// The app a configuration runs with: its first, or the development app when it gives none.
[[nodiscard]] const server::App& running_app(const server::ServerConfig& config);

// Reads one member of the app a configuration runs with.
template <auto Member>
std::optional<Value> load_app(const server::ServerConfig& config) {
    return Value(running_app(config).*Member);
}

// The ConfigField of one setting of the one app: resolve() places it (the one app is settled from
// all of its settings at once), and it reads back from the app a configuration runs with, so its
// default is the development app's.
template <auto Member>
constexpr ConfigField app_member() {
    return {nullptr, load_app<Member>};
}

// Every setting of `herald serve`, in the order help and the reference list them.
[[nodiscard]] std::span<const Setting> settings_table();
[[nodiscard]] std::span<const Address> address_table();

// The setting named `name`, or null.
[[nodiscard]] const Setting* find_setting(std::span<const Setting> table, std::string_view name);

// The spelling messages use for a setting given by any of its flags: its first long name.
[[nodiscard]] std::string flag_label(std::string_view flags);

// The value of a setting spelled as text (a variable, a flag, a Slanger scalar): the last of
// `texts`, or every one for a List. Throws ConfigError naming `origin`.
[[nodiscard]] Value parse_texts(const Setting& setting, std::span<const std::string> texts,
                                std::string_view origin);
[[nodiscard]] Value parse_text(const Setting& setting, std::string_view text,
                               std::string_view origin);

// Text and List: the checked string.
[[nodiscard]] std::string checked(const Setting& setting, std::string_view text,
                                  std::string_view origin);

// Integer: the value when it is within the type's range; `shown` is how the user wrote it.
[[nodiscard]] Value in_range(const Type& type, std::int64_t value, std::string_view origin,
                             std::string_view shown);

// The value a setting has when nothing gives it: its field read from a default ServerConfig.
// Nothing when it is unset or given only in words (Setting::default_text).
[[nodiscard]] std::optional<Value> default_value(const Setting& setting);

// The setting's line of `serve --help`: its help, then "(default VALUE)" when the default is one
// value worth showing (not for switches and lists, which are off and empty unless given).
[[nodiscard]] std::string help_text(const Setting& setting);

// A value as configuration text: true/false, numbers (durations in their unit), lists as
// [a, b]; each string (alone or in a list) as `text` writes it (quoted, masked...).
[[nodiscard]] std::string value_text(const Value& value,
                                     const std::function<std::string(std::string_view)>& text);

// The Markdown table of every setting that docs/CONFIGURATION.md shows.
[[nodiscard]] std::string reference_table(std::span<const Setting> table);

}  // namespace herald::cli
