#include "herald/cli/config_toml.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <span>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <toml++/toml.h>

#include "herald/webhooks/event.h"
#include "herald/webhooks/settings.h"
#include "herald/webhooks/target.h"

namespace herald::cli {

namespace {

using server::App;
using server::AppLimits;

// "herald.toml:3:8": where a node (or a key) begins.
std::string position(std::string_view source, const toml::source_region& region) {
    return fmt::format("{}:{}:{}", source, region.begin.line, region.begin.column);
}

// One value in the document: the node, its dotted path and where it is, for messages, and where
// its problems are recorded.
struct Field {
    const toml::node& node;
    std::string path;         // "apps[1].limits.max_connections"
    std::string_view source;  // "herald.toml"
    Diagnostics& diagnostics;

    [[nodiscard]] std::string origin() const {
        return fmt::format("{}: {}", position(source, node.source()), path);
    }

    [[nodiscard]] Field child(const toml::node& n, std::string_view name) const {
        return Field{n, path.empty() ? std::string(name) : fmt::format("{}.{}", path, name), source,
                     diagnostics};
    }

    [[nodiscard]] Field element(const toml::node& n, std::size_t index) const {
        return Field{n, fmt::format("{}[{}]", path, index), source, diagnostics};
    }
};

std::string shown(const toml::node& node) {
    if (const auto* s = node.as_string()) {
        return in_quotes(s->get());
    }
    if (node.is_table()) {
        return "a table";
    }
    if (node.is_array()) {
        return "an array";
    }
    std::ostringstream out;
    node.visit([&out](const auto& value) { out << value; });
    return out.str();
}

[[noreturn]] void fail_at(const Field& f, std::string_view expected) {
    fail(f.origin(), shown(f.node), expected);
}

std::string string_of(const Field& f, std::string_view expected = "a string") {
    const auto* s = f.node.as_string();
    if (s == nullptr) {
        fail_at(f, expected);
    }
    return s->get();
}

std::int64_t integer_of(const Field& f, std::string_view expected) {
    const auto* i = f.node.as_integer();
    if (i == nullptr) {
        fail_at(f, expected);
    }
    return i->get();
}

bool bool_of(const Field& f) {
    const auto* b = f.node.as_boolean();
    if (b == nullptr) {
        fail_at(f, "true or false");
    }
    return b->get();
}

const toml::table& table_of(const Field& f) {
    const auto* t = f.node.as_table();
    if (t == nullptr) {
        fail_at(f, "a table");
    }
    return *t;
}

std::string webhook_url(const Field& f) {
    return check_webhook_url(string_of(f, "an http:// or https:// URL"), f.origin());
}

std::string event_type_name(const Field& f) {
    const auto name = string_of(f, "a webhook event type");
    if (!webhooks::parse_event_type(name)) {
        fail_at(f,
                "one of channel_occupied, channel_vacated, member_added, member_removed, "
                "client_event, cache_miss, subscription_count");
    }
    return name;
}

std::vector<std::string> strings_of(const Field& f, std::string (*element)(const Field&)) {
    const auto* array = f.node.as_array();
    if (array == nullptr) {
        fail_at(f, "an array of strings");
    }
    std::vector<std::string> out;
    for (std::size_t i = 0; i < array->size(); ++i) {
        f.diagnostics.attempt([&] { out.push_back(element(f.element((*array)[i], i))); });
    }
    return out;
}

std::string origin_pattern(const Field& f) {
    return check_not_empty(string_of(f), f.origin(), "an origin such as \"https://example.com\"");
}

// `f` is the key's value, `key` the key itself: the message points at the key.
[[noreturn]] void unknown_key(const Field& f, const toml::key& key,
                              std::span<const std::string_view> known) {
    const std::string_view name = key.str();
    std::string message = fmt::format("config error: {}: unknown key {}",
                                      position(f.source, key.source()), in_quotes(f.path));
    if (const auto hint = closest_name(name, known)) {
        message += fmt::format(" (did you mean {}?)", in_quotes(*hint));
    }
    throw ConfigError(message);
}

template <typename Entry, std::size_t N>
std::array<std::string_view, N> names_of(const std::array<Entry, N>& entries) {
    std::array<std::string_view, N> names{};
    for (std::size_t i = 0; i < N; ++i) {
        names[i] = entries[i].name;
    }
    return names;
}

// Calls `handle(field, entry)` for each key of `table`, `entry` being the one of `entries`
// with that name; a key no entry names is an error. A problem with one key is recorded and the
// next key read.
template <typename Entry, std::size_t N, typename Handle>
void for_each_key(const Field& parent, const toml::table& table,
                  const std::array<Entry, N>& entries, Handle&& handle) {
    for (const auto& item : table) {
        const std::string_view name = item.first.str();
        const auto field = parent.child(item.second, name);
        parent.diagnostics.attempt([&] {
            const auto* entry = std::find_if(entries.begin(), entries.end(),
                                             [name](const Entry& e) { return e.name == name; });
            if (entry == entries.end()) {
                unknown_key(field, item.first, names_of(entries));
            }
            handle(field, *entry);
        });
    }
}

struct LimitKey {
    std::string_view name;
    std::size_t AppLimits::*member;
    std::int64_t minimum;  // 0 where 0 means unlimited
};

constexpr std::array<LimitKey, 14> kLimitKeys = {{
        {"max_connections", &AppLimits::max_connections, 0},
        {"max_message_bytes", &AppLimits::max_message_bytes, 1},
        {"max_event_data_bytes", &AppLimits::max_event_data_bytes, 1},
        {"max_event_name_length", &AppLimits::max_event_name_length, 1},
        {"max_channel_name_length", &AppLimits::max_channel_name_length, 1},
        {"max_channels_per_trigger", &AppLimits::max_channels_per_trigger, 1},
        {"max_batch_events", &AppLimits::max_batch_events, 1},
        {"max_presence_members", &AppLimits::max_presence_members, 1},
        {"max_user_info_bytes", &AppLimits::max_user_info_bytes, 1},
        {"max_user_id_length", &AppLimits::max_user_id_length, 1},
        {"max_client_events_per_second", &AppLimits::max_client_events_per_second, 1},
        {"max_backend_events_per_second", &AppLimits::max_backend_events_per_second, 0},
        {"max_channels_per_connection", &AppLimits::max_channels_per_connection, 1},
        {"max_queued_bytes", &AppLimits::max_queued_bytes, 1},
}};

AppLimits parse_limits(const Field& f) {
    AppLimits limits;
    for_each_key(f, table_of(f), kLimitKeys, [&](const Field& field, const LimitKey& key) {
        const auto* const expected =
                key.minimum == 0 ? "a non-negative integer" : "a positive integer";
        limits.*key.member = check_count(integer_of(field, expected), key.minimum, field.origin(),
                                         shown(field.node));
    });
    return limits;
}

struct TargetKey {
    std::string_view name;
    void (*parse)(const Field&, webhooks::Target&);
};

void parse_filter(const Field& f, webhooks::Target& target) {
    struct FilterKey {
        std::string_view name;
    };

    constexpr std::array<FilterKey, 1> kFilterKeys = {{{"prefix"}}};
    for_each_key(f, table_of(f), kFilterKeys, [&](const Field& field, const FilterKey&) {
        target.channel_prefix = string_of(field);
    });
}

// `headers = { Authorization = "Bearer ..." }`: checked as the app store checks a row's, but a
// bad one is an error here (the file is being written now) rather than a skipped webhook.
void parse_headers(const Field& f, webhooks::Target& target) {
    target.headers.clear();
    for (const auto& item : table_of(f)) {
        const auto field = f.child(item.second, item.first.str());
        f.diagnostics.attempt([&] {
            webhooks::Header header{std::string(item.first.str()),
                                    string_of(field, "a string (the header's value)")};
            // The value is not repeated: it is often a credential.
            if (const auto problem = webhooks::header_problem(header, target.headers)) {
                throw ConfigError(fmt::format("config error: {}: {}", field.origin(), *problem));
            }
            target.headers.push_back(std::move(header));
        });
    }
}

const std::array<TargetKey, 4> kTargetKeys = {{
        {"url",
         [](const Field& f, webhooks::Target& t) {
             t.url = webhook_url(f);
         }},
        {"event_types",
         [](const Field& f, webhooks::Target& t) {
             t.event_types.clear();
             for (const auto& name : strings_of(f, event_type_name)) {
                 t.event_types.push_back(*webhooks::parse_event_type(name));
             }
         }},
        {"filter", parse_filter},
        {"headers", parse_headers},
}};

std::vector<webhooks::Target> parse_targets(const Field& f) {
    const auto* array = f.node.as_array();
    if (array == nullptr) {
        fail_at(f, "an array of tables ([[apps.webhooks]])");
    }
    std::vector<webhooks::Target> targets;
    for (std::size_t i = 0; i < array->size(); ++i) {
        const auto entry = f.element((*array)[i], i);
        f.diagnostics.attempt([&] {
            const auto& table = table_of(entry);
            webhooks::Target target;
            for_each_key(entry, table, kTargetKeys, [&](const Field& field, const TargetKey& key) {
                key.parse(field, target);
            });
            if (!table.contains("url")) {
                throw ConfigError(fmt::format(
                        "config error: {}: {}.url is missing (every webhook needs a URL)",
                        position(f.source, entry.node.source()), entry.path));
            }
            targets.push_back(std::move(target));
        });
    }
    return targets;
}

std::string app_id(const Field& f) {
    if (const auto* i = f.node.as_integer()) {
        return check_app_name(std::to_string(i->get()), f.origin());
    }
    return check_app_name(string_of(f, "a string or an integer"), f.origin());
}

struct AppKey {
    std::string_view name;
    void (*parse)(const Field&, App&);
};

template <bool App::*Member>
void switch_key(const Field& f, App& a) {
    a.*Member = bool_of(f);
}

const std::array<AppKey, 12> kAppKeys = {{
        {"id",
         [](const Field& f, App& a) {
             a.id = app_id(f);
         }},
        {"key",
         [](const Field& f, App& a) {
             a.key = check_app_name(string_of(f), f.origin());
         }},
        {"secret",
         [](const Field& f, App& a) {
             a.secret = check_not_empty(string_of(f), f.origin(), "a non-empty string");
         }},
        {"enabled", switch_key<&App::enabled>},
        {"client_events", switch_key<&App::client_events>},
        {"user_authentication_required", switch_key<&App::user_authentication_required>},
        {"subscription_count_events", switch_key<&App::subscription_count_events>},
        {"tls_only", switch_key<&App::tls_only>},
        {"allowed_origins",
         [](const Field& f, App& a) {
             a.allowed_origins = strings_of(f, origin_pattern);
         }},
        {"webhook_urls",
         [](const Field& f, App& a) {
             a.webhook_urls = strings_of(f, webhook_url);
         }},
        {"webhooks",
         [](const Field& f, App& a) {
             a.webhooks = parse_targets(f);
         }},
        {"limits",
         [](const Field& f, App& a) {
             a.limits = parse_limits(f);
         }},
}};

App parse_app(const Field& f) {
    const auto& table = table_of(f);
    App app;
    for_each_key(f, table, kAppKeys,
                 [&](const Field& field, const AppKey& key) { key.parse(field, app); });
    for (const std::string_view required : {"id", "key", "secret"}) {
        if (!table.contains(required)) {
            f.diagnostics.add(ConfigError(fmt::format(
                    "config error: {}: {}.{} is missing (every app needs an id, a key and a "
                    "secret)",
                    position(f.source, f.node.source()), f.path, required)));
        }
    }
    return app;
}

// `f` is the app's table; a duplicate is reported at its own id or key. An id or key the app
// does not give (already reported) is never a duplicate.
void check_unique(const Field& f, const std::vector<App>& apps, const App& app) {
    const auto& table = *f.node.as_table();
    const auto* id = table.get("id");
    const auto* key = table.get("key");
    for (std::size_t i = 0; i < apps.size(); ++i) {
        if (id != nullptr && !app.id.empty() && app.id == apps[i].id) {
            f.diagnostics.attempt([&] {
                fail(f.child(*id, "id").origin(), in_quotes(app.id),
                     fmt::format("an id that no other app uses (apps[{}] has it)", i));
            });
        }
        if (key != nullptr && !app.key.empty() && app.key == apps[i].key) {
            f.diagnostics.attempt([&] {
                fail(f.child(*key, "key").origin(), in_quotes(app.key),
                     fmt::format("a key that no other app uses (apps[{}] has it)", i));
            });
        }
    }
}

std::vector<App> parse_apps(const Field& f) {
    const auto* array = f.node.as_array();
    if (array == nullptr) {
        fail_at(f, "an array of tables ([[apps]])");
    }
    std::vector<App> apps;
    for (std::size_t i = 0; i < array->size(); ++i) {
        const Field entry{(*array)[i], fmt::format("apps[{}]", i), f.source, f.diagnostics};
        f.diagnostics.attempt([&] {
            auto app = parse_app(entry);
            check_unique(entry, apps, app);
            apps.push_back(std::move(app));
        });
    }
    return apps;
}

// A described setting's value (setting.h) as the file writes it: TOML's own types, no text.
Value value_of(const Setting& setting, const Field& f) {
    switch (setting.type->kind) {
        case Kind::Text:
            return checked(setting, string_of(f), f.origin());
        case Kind::Integer:
            return in_range(*setting.type, integer_of(f, setting.type->expected), f.origin(),
                            shown(f.node));
        case Kind::Switch:
            return bool_of(f);
        case Kind::List: {
            const auto* array = f.node.as_array();
            if (array == nullptr) {
                fail_at(f, setting.type->expected);
            }
            std::vector<std::string> out;
            for (std::size_t i = 0; i < array->size(); ++i) {
                const auto item = f.element((*array)[i], i);
                f.diagnostics.attempt(
                        [&] { out.push_back(checked(setting, string_of(item), item.origin())); });
            }
            return out;
        }
    }
    return {};
}

// Top-level keys with a structure of their own, kept whole rather than described per setting.
struct StructuredKey {
    std::string_view name;
    void (*parse)(const Field&, Settings&);
};

const std::array<StructuredKey, 2> kStructuredKeys = {{
        {"apps",
         [](const Field& f, Settings& s) {
             s.apps.set(parse_apps(f), std::string(f.source));
         }},
        {"limits",
         [](const Field& f, Settings&) {
             throw ConfigError(fmt::format(
                     "config error: {}: limits belong to an app: put them in an [apps.limits] "
                     "table after that app's [[apps]] header",
                     f.origin()));
         }},
}};

// The keys of the file's table `prefix` ("" for the top level, "tls" for [tls]): the described
// settings' names below it, one per key, in table order.
std::vector<std::string_view> keys_under(std::span<const Setting> table, std::string_view prefix) {
    std::vector<std::string_view> keys;
    for (const auto& setting : table) {
        std::string_view name = setting.name;
        if (setting.scope != Scope::File ||
            (!prefix.empty() &&
             !(name.starts_with(prefix) && name.substr(prefix.size(), 1) == "."))) {
            continue;
        }
        name.remove_prefix(prefix.empty() ? 0 : prefix.size() + 1);
        name = name.substr(0, name.find('.'));
        if (std::find(keys.begin(), keys.end(), name) == keys.end()) {
            keys.push_back(name);
        }
    }
    return keys;
}

// Reads the described settings of one table; `prefix` is its dotted name ("" at the top). A
// problem with one key is recorded and the next key read.
void parse_described(const Field& f, const toml::table& t, std::string_view prefix,
                     std::span<const Setting> table, Settings& settings) {
    auto known = keys_under(table, prefix);
    if (prefix.empty()) {
        for (const auto& key : kStructuredKeys) {
            known.push_back(key.name);
        }
    }
    for (const auto& item : t) {
        const std::string_view name = item.first.str();
        const auto field = f.child(item.second, name);
        const auto full = prefix.empty() ? std::string(name) : fmt::format("{}.{}", prefix, name);
        const auto* structured = std::find_if(
                kStructuredKeys.begin(), kStructuredKeys.end(),
                [&](const StructuredKey& k) { return prefix.empty() && k.name == name; });
        f.diagnostics.attempt([&] {
            if (const auto* setting = find_setting(table, full);
                setting != nullptr && setting->scope == Scope::File) {
                settings.set(full, value_of(*setting, field), field.origin());
            } else if (structured != kStructuredKeys.end()) {
                structured->parse(field, settings);
            } else if (std::find(known.begin(), known.end(), name) != known.end()) {
                parse_described(field, table_of(field), full, table, settings);
            } else {
                unknown_key(field, item.first, known);
            }
        });
    }
}

}  // namespace

std::vector<std::pair<std::string_view, std::size_t>> default_app_limits() {
    const AppLimits defaults;
    std::vector<std::pair<std::string_view, std::size_t>> out;
    for (const auto& key : kLimitKeys) {
        out.emplace_back(key.name, defaults.*key.member);
    }
    return out;
}

Settings read_toml_config(std::string_view text, std::string_view source, Diagnostics& diagnostics,
                          std::span<const Setting> table) {
    toml::table document;
    try {
        document = toml::parse(text, source);
    } catch (const toml::parse_error& e) {
        // The parser stops at its first error: nothing after it can be read.
        diagnostics.add(ConfigError(fmt::format("config error: {}: {}",
                                                position(source, e.source()), e.description())));
        return {};
    }
    Settings settings;
    parse_described(Field{document, "", source, diagnostics}, document, "", table, settings);
    diagnostics.sort_by_position(source);
    return settings;
}

Settings parse_toml_config(std::string_view text, std::string_view source,
                           std::span<const Setting> table) {
    Diagnostics diagnostics;
    auto settings = read_toml_config(text, source, diagnostics, table);
    diagnostics.throw_first();
    return settings;
}

}  // namespace herald::cli
