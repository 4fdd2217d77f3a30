#include "herald/cli/slanger_options.h"

#include <algorithm>
#include <array>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

namespace herald::cli {

namespace {

// "slanger.yml:3:8": where a node begins (yaml-cpp counts from 0, messages from 1).
std::string position(std::string_view source, const YAML::Mark& mark) {
    return fmt::format("{}:{}:{}", source, mark.line + 1, mark.column + 1);
}

// One value in the document, with its key path and position for messages.
struct Field {
    YAML::Node node;
    std::string path;  // "tls_options.cert_chain_file"
    std::string_view source;

    [[nodiscard]] std::string origin() const {
        return fmt::format("{}: {}", position(source, node.Mark()), path);
    }
};

std::string shown(const YAML::Node& node) {
    switch (node.Type()) {
        case YAML::NodeType::Scalar:
            return in_quotes(node.Scalar());
        case YAML::NodeType::Sequence:
            return "a list";
        case YAML::NodeType::Map:
            return "a mapping";
        default:
            return "nothing";
    }
}

// Slanger reads every scalar as text (ports are often quoted); so does Herald here.
std::string scalar_of(const Field& f, std::string_view expected) {
    if (!f.node.IsScalar()) {
        fail(f.origin(), shown(f.node), expected);
    }
    return f.node.Scalar();
}

[[noreturn]] void ruby_only(const Field& f) {
    throw ConfigError(
            fmt::format("config error: {}: Herald cannot load Ruby code; its settings are in "
                        "docs/CONFIGURATION.md (remove this key)",
                        f.origin()));
}

// A Slanger key and the Herald setting (setting.h) it gives, read through that setting's checks.
struct SlangerKey {
    std::string_view name;
    std::string_view setting;
    std::string_view expected;  // when the value is not a scalar
};

constexpr std::array<SlangerKey, 11> kSlangerKeys = {{
        {"app_key", "app_key", "a string"},
        {"secret", "app_secret", "a string"},
        {"app_id", "app_id", "a string"},
        {"enable_client_events", "app_client_events", "true or false"},
        {"webhook_url", "app_webhook_urls", "an http:// or https:// URL"},
        {"api_port", "api_port", "a port number (0-65535)"},
        {"websocket_port", "port", "a port number (0-65535)"},
        {"redis_address", "redis_url", "a redis:// URL"},
        {"debug", "verbose", "true or false"},
        {"activity_timeout", "activity_timeout", "a number of seconds"},
        {"pid_file", "pid_file", "a string"},
}};

constexpr std::array<SlangerKey, 2> kTlsKeys = {{
        {"cert_chain_file", "tls.certificate_chain", "a string"},
        {"private_key_file", "tls.private_key", "a string"},
}};

// Keys Herald knows but refuses, each with its reason.
struct RefusedKey {
    std::string_view name;
    void (*refuse)(const Field&);
};

constexpr std::array<RefusedKey, 3> kRefusedKeys = {{
        {"require", ruby_only},
        {"socket_handler", ruby_only},
        {"config_file",
         [](const Field& f) {
             throw ConfigError(fmt::format(
                     "config error: {}: a config file cannot name another one", f.origin()));
         }},
}};

void set_setting(const Field& f, const SlangerKey& key, std::span<const Setting> table,
                 Settings& s) {
    const auto& setting = *find_setting(table, key.setting);
    s.set(setting.name, parse_text(setting, scalar_of(f, key.expected), f.origin()), f.origin());
}

void set_address(const Field& f, const Address& address, Settings& s) {
    const auto parsed = parse_host_port(scalar_of(f, "HOST or HOST:PORT"), f.origin());
    if (!parsed.host.empty()) {
        s.set(address.host, parsed.host, f.origin());
    }
    if (parsed.port) {
        s.set(address.port, *parsed.port, f.origin());
    }
}

// Ruby's YAML writes symbol keys as ":app_key"; Slanger reads both spellings.
std::string key_name(const YAML::Node& key) {
    auto name = key.IsScalar() ? key.Scalar() : std::string{};
    return name.starts_with(':') ? name.substr(1) : name;
}

const Address* find_address(std::string_view name) {
    for (const auto& address : address_table()) {
        if (address.slanger == name) {
            return &address;
        }
    }
    return nullptr;
}

template <typename Key>
const Key* find_key(std::span<const Key> keys, std::string_view name) {
    const auto it =
            std::find_if(keys.begin(), keys.end(), [name](const Key& k) { return k.name == name; });
    return it == keys.end() ? nullptr : &*it;
}

// `f` is the key itself: its path is the dotted name, its line where the key is.
[[noreturn]] void unknown_key(const Field& f, std::string_view name,
                              std::span<const std::string_view> known) {
    auto message = fmt::format("config error: {}: unknown key {}",
                               position(f.source, f.node.Mark()), in_quotes(f.path));
    if (const auto hint = closest_name(name, known)) {
        message += fmt::format(" (did you mean {}?)", in_quotes(*hint));
    }
    throw ConfigError(message + "; Herald reads the Slanger keys listed in docs/CONFIGURATION.md");
}

void parse_tls_options(const Field& f, std::span<const Setting> table, Settings& s,
                       Diagnostics& diagnostics) {
    if (!f.node.IsMap()) {
        fail(f.origin(), shown(f.node), "a mapping with cert_chain_file and private_key_file");
    }
    const std::array<std::string_view, kTlsKeys.size()> names = {kTlsKeys[0].name,
                                                                 kTlsKeys[1].name};
    for (const auto& entry : f.node) {
        const auto name = key_name(entry.first);
        const Field field{entry.second, f.path + "." + name, f.source};
        diagnostics.attempt([&] {
            const auto* key = find_key<SlangerKey>(kTlsKeys, name);
            if (key == nullptr) {
                unknown_key(Field{entry.first, field.path, f.source}, name, names);
            }
            set_setting(field, *key, table, s);
        });
    }
}

}  // namespace

Settings read_slanger_yaml(std::string_view text, std::string_view source, Diagnostics& diagnostics,
                           std::span<const Setting> table) {
    YAML::Node document;
    try {
        document = YAML::Load(std::string(text));
    } catch (const YAML::Exception& e) {
        diagnostics.add(
                ConfigError(fmt::format("config error: {}: {}", position(source, e.mark), e.msg)));
        return {};
    }
    Settings settings;
    if (document.IsNull()) {
        return settings;
    }
    if (!document.IsMap()) {
        diagnostics.attempt([&] {
            fail(position(source, document.Mark()), shown(document),
                 "a mapping of Slanger option names to values");
        });
        return settings;
    }
    std::vector<std::string_view> names;
    for (const auto& key : kSlangerKeys) {
        names.push_back(key.name);
    }
    for (const auto& address : address_table()) {
        names.push_back(address.slanger);
    }
    names.emplace_back("tls_options");
    for (const auto& key : kRefusedKeys) {
        names.push_back(key.name);
    }
    std::vector<std::string> seen;
    for (const auto& entry : document) {
        const auto name = key_name(entry.first);
        const Field field{entry.second, name, source};
        diagnostics.attempt([&] {
            // yaml-cpp keeps both of two equal keys; Slanger's Ruby YAML took the last one.
            if (std::find(seen.begin(), seen.end(), name) != seen.end()) {
                throw ConfigError(fmt::format("config error: {}: duplicate key {}",
                                              position(source, entry.first.Mark()),
                                              in_quotes(name)));
            }
            seen.push_back(name);
            if (const auto* key = find_key<SlangerKey>(kSlangerKeys, name)) {
                set_setting(field, *key, table, settings);
            } else if (const auto* address = find_address(name)) {
                set_address(field, *address, settings);
            } else if (name == "tls_options") {
                parse_tls_options(field, table, settings, diagnostics);
            } else if (const auto* refused = find_key<RefusedKey>(kRefusedKeys, name)) {
                refused->refuse(field);
            } else {
                unknown_key(Field{entry.first, name, source}, name, names);
            }
        });
    }
    diagnostics.sort_by_position(source);
    return settings;
}

Settings parse_slanger_yaml(std::string_view text, std::string_view source,
                            std::span<const Setting> table) {
    Diagnostics diagnostics;
    auto settings = read_slanger_yaml(text, source, diagnostics, table);
    diagnostics.throw_first();
    return settings;
}

}  // namespace herald::cli
