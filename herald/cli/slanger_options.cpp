#include "herald/cli/slanger_options.h"

#include <algorithm>
#include <array>
#include <string>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

namespace herald::cli {

namespace {

// One value in the document, with its key path and line for messages.
struct Field {
    YAML::Node node;
    std::string path;  // "tls_options.cert_chain_file"
    std::string_view source;

    [[nodiscard]] std::string origin() const {
        return fmt::format("{}:{}: {}", source, node.Mark().line + 1, path);
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

std::string text_of(const Field& f) {
    return check_not_empty(scalar_of(f, "a string"), f.origin(), "a non-empty string");
}

void set_address(const Field& f, Given<std::string>& host, Given<std::uint16_t>& port) {
    const auto address = parse_host_port(scalar_of(f, "HOST or HOST:PORT"), f.origin());
    if (!address.host.empty()) {
        host.set(address.host, f.origin());
    }
    if (address.port) {
        port.set(*address.port, f.origin());
    }
}

std::string webhook_url(const Field& f) {
    return check_webhook_url(scalar_of(f, "an http:// or https:// URL"), f.origin());
}

[[noreturn]] void ruby_only(const Field& f) {
    throw ConfigError(
            fmt::format("config error: {}: Herald cannot load Ruby code; its settings are in "
                        "docs/CONFIGURATION.md (remove this key)",
                        f.origin()));
}

struct SlangerKey {
    std::string_view name;
    void (*parse)(const Field&, Settings&);
};

void parse_tls_options(const Field& f, Settings& s);

const std::array<SlangerKey, 17> kSlangerKeys = {{
        {"app_key",
         [](const Field& f, Settings& s) {
             s.app.key.set(check_app_name(scalar_of(f, "a string"), f.origin()), f.origin());
         }},
        {"secret",
         [](const Field& f, Settings& s) {
             s.app.secret.set(text_of(f), f.origin());
         }},
        {"app_id",
         [](const Field& f, Settings& s) {
             s.app.id.set(check_app_name(scalar_of(f, "a string"), f.origin()), f.origin());
         }},
        {"enable_client_events",
         [](const Field& f, Settings& s) {
             s.app.client_events.set(parse_bool(scalar_of(f, "true or false"), f.origin()),
                                     f.origin());
         }},
        {"webhook_url",
         [](const Field& f, Settings& s) {
             s.app.webhook_urls.set({webhook_url(f)}, f.origin());
         }},
        {"api_host",
         [](const Field& f, Settings& s) {
             set_address(f, s.api_host, s.api_port);
         }},
        {"api_port",
         [](const Field& f, Settings& s) {
             s.api_port.set(parse_port(scalar_of(f, "a port number (0-65535)"), f.origin()),
                            f.origin());
         }},
        {"websocket_host",
         [](const Field& f, Settings& s) {
             set_address(f, s.host, s.port);
         }},
        {"websocket_port",
         [](const Field& f, Settings& s) {
             s.port.set(parse_port(scalar_of(f, "a port number (0-65535)"), f.origin()),
                        f.origin());
         }},
        {"redis_address",
         [](const Field& f, Settings& s) {
             s.redis_url.set(check_redis_url(scalar_of(f, "a redis:// URL"), f.origin()),
                             f.origin());
         }},
        {"debug",
         [](const Field& f, Settings& s) {
             s.verbose.set(parse_bool(scalar_of(f, "true or false"), f.origin()), f.origin());
         }},
        {"activity_timeout",
         [](const Field& f, Settings& s) {
             s.activity_timeout.set(parse_seconds(scalar_of(f, "a number of seconds"), f.origin()),
                                    f.origin());
         }},
        {"pid_file",
         [](const Field& f, Settings& s) {
             s.pid_file.set(text_of(f), f.origin());
         }},
        {"tls_options", parse_tls_options},
        {"require",
         [](const Field& f, Settings&) {
             ruby_only(f);
         }},
        {"socket_handler",
         [](const Field& f, Settings&) {
             ruby_only(f);
         }},
        {"config_file",
         [](const Field& f, Settings&) {
             throw ConfigError(fmt::format(
                     "config error: {}: a config file cannot name another one", f.origin()));
         }},
}};

// Ruby's YAML writes symbol keys as ":app_key"; Slanger reads both spellings.
std::string key_name(const YAML::Node& key) {
    auto name = key.IsScalar() ? key.Scalar() : std::string{};
    return name.starts_with(':') ? name.substr(1) : name;
}

template <std::size_t N>
std::array<std::string_view, N> names_of(const std::array<SlangerKey, N>& keys) {
    std::array<std::string_view, N> names{};
    std::transform(keys.begin(), keys.end(), names.begin(), [](const auto& k) { return k.name; });
    return names;
}

// `f` is the key itself: its path is the dotted name, its line where the key is.
[[noreturn]] void unknown_key(const Field& f, std::string_view name,
                              std::span<const std::string_view> known) {
    auto message = fmt::format("config error: {}:{}: unknown key {}", f.source,
                               f.node.Mark().line + 1, in_quotes(f.path));
    if (const auto hint = closest_name(name, known)) {
        message += fmt::format(" (did you mean {}?)", in_quotes(*hint));
    }
    throw ConfigError(message + "; Herald reads the Slanger keys listed in docs/CONFIGURATION.md");
}

void parse_tls_options(const Field& f, Settings& s) {
    if (!f.node.IsMap()) {
        fail(f.origin(), shown(f.node), "a mapping with cert_chain_file and private_key_file");
    }
    constexpr std::array<std::string_view, 2> kNames = {"cert_chain_file", "private_key_file"};
    for (const auto& entry : f.node) {
        const auto name = key_name(entry.first);
        const Field field{entry.second, f.path + "." + name, f.source};
        if (name == kNames[0]) {
            s.tls_certificate_chain.set(text_of(field), field.origin());
        } else if (name == kNames[1]) {
            s.tls_private_key.set(text_of(field), field.origin());
        } else {
            unknown_key(Field{entry.first, field.path, f.source}, name, kNames);
        }
    }
}

}  // namespace

Settings parse_slanger_yaml(std::string_view text, std::string_view source) {
    YAML::Node document;
    try {
        document = YAML::Load(std::string(text));
    } catch (const YAML::Exception& e) {
        throw ConfigError(fmt::format("config error: {}:{}:{}: {}", source, e.mark.line + 1,
                                      e.mark.column + 1, e.msg));
    }
    Settings settings;
    if (document.IsNull()) {
        return settings;
    }
    if (!document.IsMap()) {
        fail(fmt::format("{}:{}", source, document.Mark().line + 1), shown(document),
             "a mapping of Slanger option names to values");
    }
    const auto names = names_of(kSlangerKeys);
    for (const auto& entry : document) {
        const auto name = key_name(entry.first);
        const auto* key = std::find_if(kSlangerKeys.begin(), kSlangerKeys.end(),
                                       [&](const SlangerKey& k) { return k.name == name; });
        if (key == kSlangerKeys.end()) {
            unknown_key(Field{entry.first, name, source}, name, names);
        }
        key->parse(Field{entry.second, name, source}, settings);
    }
    return settings;
}

}  // namespace herald::cli
