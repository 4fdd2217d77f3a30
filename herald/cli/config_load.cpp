#include "herald/cli/config_load.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string_view>
#include <system_error>

#include <fmt/format.h>
#include <unistd.h>

#include "herald/cli/config_toml.h"
#include "herald/cli/settings.h"
#include "herald/cli/slanger_options.h"

namespace herald::cli {

namespace {

using Apply = void (*)(std::string_view text, const std::string& origin, Settings& s);

void apply_host(std::string_view t, const std::string& o, Settings& s) {
    s.host.set(check_host(t, o), o);
}

void apply_port(std::string_view t, const std::string& o, Settings& s) {
    s.port.set(parse_port(t, o), o);
}

void apply_api_host(std::string_view t, const std::string& o, Settings& s) {
    s.api_host.set(check_host(t, o), o);
}

void apply_api_port(std::string_view t, const std::string& o, Settings& s) {
    s.api_port.set(parse_port(t, o), o);
}

void apply_threads(std::string_view t, const std::string& o, Settings& s) {
    s.threads.set(parse_count(t, 0, o), o);
}

void apply_path_prefix(std::string_view t, const std::string& o, Settings& s) {
    s.path_prefix.set(check_path_prefix(t, o), o);
}

void apply_activity_timeout(std::string_view t, const std::string& o, Settings& s) {
    s.activity_timeout.set(parse_seconds(t, o), o);
}

void apply_strict_protocol(std::string_view t, const std::string& o, Settings& s) {
    s.strict_protocol.set(parse_bool(t, o), o);
}

void apply_verbose(std::string_view t, const std::string& o, Settings& s) {
    s.verbose.set(parse_bool(t, o), o);
}

void apply_log_level(std::string_view t, const std::string& o, Settings& s) {
    s.log_level.set(check_log_level(t, o), o);
}

void apply_pid_file(std::string_view t, const std::string& o, Settings& s) {
    s.pid_file.set(check_not_empty(t, o, "a file path"), o);
}

void apply_redis_url(std::string_view t, const std::string& o, Settings& s) {
    s.redis_url.set(check_redis_url(t, o), o);
}

void apply_cluster_lease(std::string_view t, const std::string& o, Settings& s) {
    s.cluster_lease.set(parse_lease_ms(t, o), o);
}

void apply_app_id(std::string_view t, const std::string& o, Settings& s) {
    s.app.id.set(check_app_name(t, o), o);
}

void apply_app_key(std::string_view t, const std::string& o, Settings& s) {
    s.app.key.set(check_app_name(t, o), o);
}

void apply_app_secret(std::string_view t, const std::string& o, Settings& s) {
    s.app.secret.set(check_not_empty(t, o, "a non-empty secret"), o);
}

void apply_client_events(std::string_view t, const std::string& o, Settings& s) {
    s.app.client_events.set(parse_bool(t, o), o);
}

void apply_nothing(std::string_view /*text*/, const std::string& /*origin*/, Settings& /*s*/) {}

struct Variable {
    std::string_view name;
    Apply apply;
};

constexpr std::string_view kConfigVariable = "HERALD_CONFIG";

const std::array<Variable, 19> kVariables = {{
        {"HERALD_HOST", apply_host},
        {"HERALD_PORT", apply_port},
        {"HERALD_API_HOST", apply_api_host},
        {"HERALD_API_PORT", apply_api_port},
        {"HERALD_THREADS", apply_threads},
        {"HERALD_PATH_PREFIX", apply_path_prefix},
        {"HERALD_ACTIVITY_TIMEOUT", apply_activity_timeout},
        {"HERALD_STRICT_PROTOCOL", apply_strict_protocol},
        {"HERALD_VERBOSE", apply_verbose},
        {"HERALD_LOG_LEVEL", apply_log_level},
        {"HERALD_PID_FILE", apply_pid_file},
        {"HERALD_REDIS_URL", apply_redis_url},
        {"HERALD_CLUSTER_LEASE_MS", apply_cluster_lease},
        {"HERALD_APP_ID", apply_app_id},
        {"HERALD_APP_KEY", apply_app_key},
        {"HERALD_APP_SECRET", apply_app_secret},
        {"HERALD_ENABLE_CLIENT_EVENTS", apply_client_events},
        {kConfigVariable, apply_nothing},  // names the file: read before the other layers
        {"HERALD_WEBHOOK_URL",
         [](std::string_view t, const std::string& o, Settings& s) {
             s.app.webhook_urls.set({check_webhook_url(t, o)}, o);
         }},
}};

// An empty variable counts as unset: `HERALD_PORT=` in a compose file means "not given".
Settings environment_settings(const Environment& env) {
    Settings s;
    for (const auto& variable : kVariables) {
        const auto it = env.find(variable.name);
        if (it != env.end() && !it->second.empty()) {
            variable.apply(it->second, std::string(variable.name), s);
        }
    }
    return s;
}

void apply_given(const Given<std::string>& given, Apply apply, Settings& s) {
    if (given) {
        apply(*given, given.origin, s);
    }
}

void apply_given(const Given<bool>& given, Given<bool>& target) {
    if (given) {
        target.set(*given, given.origin);
    }
}

void apply_address(const Given<std::string>& address, const Given<std::string>& host,
                   const Given<std::string>& port, Given<std::string>& host_out,
                   Given<std::uint16_t>& port_out) {
    if (!address) {
        return;
    }
    const auto& other = host ? host : port;
    if (other) {
        throw ConfigError(fmt::format("config error: {} and {} both set the address: use one",
                                      address.origin, other.origin));
    }
    const auto parsed = parse_host_port(*address, address.origin);
    if (!parsed.host.empty()) {
        host_out.set(parsed.host, address.origin);
    }
    if (parsed.port) {
        port_out.set(*parsed.port, address.origin);
    }
}

void reject_ruby(const CommandLine& args) {
    if (args.ruby_requires) {
        throw ConfigError(fmt::format(
                "config error: {} = {}: Herald cannot load Ruby code; the settings it offers "
                "instead are in docs/CONFIGURATION.md",
                args.ruby_requires.origin, in_quotes(args.ruby_requires->front())));
    }
}

Settings command_line_settings(const CommandLine& a) {
    reject_ruby(a);
    Settings s;
    apply_given(a.host, apply_host, s);
    apply_given(a.port, apply_port, s);
    apply_address(a.websocket_address, a.host, a.port, s.host, s.port);
    apply_given(a.api_host, apply_api_host, s);
    apply_given(a.api_port, apply_api_port, s);
    apply_address(a.api_address, a.api_host, a.api_port, s.api_host, s.api_port);
    apply_given(a.threads, apply_threads, s);
    apply_given(a.path_prefix, apply_path_prefix, s);
    apply_given(a.activity_timeout, apply_activity_timeout, s);
    apply_given(a.strict_protocol, s.strict_protocol);
    apply_given(a.verbose, s.verbose);
    apply_given(a.log_level, apply_log_level, s);
    apply_given(a.pid_file, apply_pid_file, s);
    apply_given(a.redis_url, apply_redis_url, s);
    apply_given(a.cluster_lease, apply_cluster_lease, s);
    if (a.tls_certificate_chain) {
        s.tls_certificate_chain.set(*a.tls_certificate_chain, a.tls_certificate_chain.origin);
    }
    if (a.tls_private_key) {
        s.tls_private_key.set(*a.tls_private_key, a.tls_private_key.origin);
    }
    apply_given(a.app_id, apply_app_id, s);
    apply_given(a.app_key, apply_app_key, s);
    apply_given(a.app_secret, apply_app_secret, s);
    apply_given(a.enable_client_events, s.app.client_events);
    if (a.webhook_urls) {
        for (const auto& url : *a.webhook_urls) {
            (void)check_webhook_url(url, a.webhook_urls.origin);
        }
        s.app.webhook_urls = a.webhook_urls;
    }
    return s;
}

std::string read_file(const std::string& path, const std::string& origin) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) {
        throw ConfigError(
                fmt::format("config error: cannot read config file {} (from {}): it "
                            "is a directory",
                            in_quotes(path), origin));
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        const auto reason = std::error_code(errno, std::generic_category()).message();
        throw ConfigError(fmt::format("config error: cannot read config file {} (from {}): {}",
                                      in_quotes(path), origin, reason));
    }
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

bool is_yaml(std::string_view path) {
    return path.ends_with(".yml") || path.ends_with(".yaml") || path.ends_with(".YML") ||
           path.ends_with(".YAML");
}

Settings file_settings(const CommandLine& args, const Environment& env) {
    auto file = args.config_file;
    if (!file) {
        const auto it = env.find(kConfigVariable);
        if (it == env.end() || it->second.empty()) {
            return {};
        }
        file.set(it->second, std::string(kConfigVariable));
    }
    const auto text = read_file(*file, file.origin);
    return is_yaml(*file) ? parse_slanger_yaml(text, *file) : parse_toml_config(text, *file);
}

}  // namespace

Environment process_environment() {
    Environment env;
    for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
        const std::string_view text(*entry);
        const auto eq = text.find('=');
        if (eq != std::string_view::npos) {
            env.emplace(std::string(text.substr(0, eq)), std::string(text.substr(eq + 1)));
        }
    }
    return env;
}

server::ServerConfig load_config(const CommandLine& args, const Environment& env) {
    // Flags are checked first: a mistake in what was just typed is the likeliest one.
    const auto flags = command_line_settings(args);
    const auto variables = environment_settings(env);
    auto settings = file_settings(args, env);
    overlay(settings, variables);
    overlay(settings, flags);
    return resolve(settings);
}

std::vector<std::string> environment_warnings(const Environment& env) {
    std::array<std::string_view, kVariables.size()> names{};
    for (std::size_t i = 0; i < kVariables.size(); ++i) {
        names[i] = kVariables[i].name;
    }
    std::vector<std::string> warnings;
    for (const auto& [name, value] : env) {
        if (!name.starts_with("HERALD_") ||
            std::find(names.begin(), names.end(), name) != names.end()) {
            continue;
        }
        if (const auto hint = closest_name(name, names)) {
            warnings.push_back(
                    fmt::format("{} is not a Herald setting (did you mean {}?); it is "
                                "ignored",
                                name, *hint));
        }
    }
    return warnings;
}

}  // namespace herald::cli
