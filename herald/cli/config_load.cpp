#include "herald/cli/config_load.h"

#include <algorithm>
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
#include "herald/cli/state_dir.h"

namespace herald::cli {

namespace {

constexpr std::string_view kConfigSetting = "config";  // names the file: read before the others

// An empty variable counts as unset: `HERALD_PORT=` in a compose file means "not given".
Settings environment_settings(const Environment& env, std::span<const Setting> table) {
    Settings s;
    for (const auto& setting : table) {
        const auto it = setting.variable.empty() ? env.end() : env.find(setting.variable);
        if (it != env.end() && !it->second.empty()) {
            s.set(setting.name, parse_text(setting, it->second, setting.variable),
                  std::string(setting.variable));
        }
    }
    return s;
}

// -w/-a give a host and a port at once; with --host/--port (or --api-host/--api-port) the user
// has said the same thing twice.
void apply_address(const CommandLine& args, const Address& spelling, Settings& s) {
    const auto* address = args.find(spelling.name);
    if (address == nullptr) {
        return;
    }
    const auto* other =
            s.find(spelling.host) != nullptr ? s.find(spelling.host) : s.find(spelling.port);
    if (other != nullptr) {
        throw ConfigError(fmt::format("config error: {} and {} both set the address: use one",
                                      address->origin, other->origin));
    }
    const auto parsed = parse_host_port((*address)->back(), address->origin);
    if (!parsed.host.empty()) {
        s.set(spelling.host, parsed.host, address->origin);
    }
    if (parsed.port) {
        s.set(spelling.port, *parsed.port, address->origin);
    }
}

void reject_ruby(const CommandLine& args) {
    if (const auto* ruby = args.find(kRubyRequires)) {
        throw ConfigError(fmt::format(
                "config error: {} = {}: Herald cannot load Ruby code; the settings it offers "
                "instead are in docs/CONFIGURATION.md",
                ruby->origin, in_quotes((*ruby)->front())));
    }
}

Settings command_line_settings(const CommandLine& args, std::span<const Setting> table) {
    reject_ruby(args);
    Settings s;
    for (const auto& setting : table) {
        if (const auto* given = args.find(setting.name)) {
            s.set(setting.name, parse_texts(setting, **given, given->origin), given->origin);
        }
    }
    for (const auto& address : address_table()) {
        apply_address(args, address, s);
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

Settings read_config_file(const std::string& file, const std::string& origin,
                          Diagnostics& diagnostics, std::span<const Setting> table) {
    Settings settings;
    diagnostics.attempt([&] {
        const auto text = read_file(file, origin);
        settings = is_yaml(file) ? read_slanger_yaml(text, file, diagnostics, table)
                                 : read_toml_config(text, file, diagnostics, table);
    });
    return settings;
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

void CommandLine::set(std::string_view name, std::string origin, std::vector<std::string> texts) {
    given[std::string(name)].set(std::move(texts), std::move(origin));
}

const Given<std::vector<std::string>>* CommandLine::find(std::string_view name) const {
    const auto it = given.find(name);
    return it == given.end() ? nullptr : &it->second;
}

Layers load_layers(const CommandLine& args, const Environment& env,
                   std::span<const Setting> table) {
    Layers layers;
    // Flags are checked first: a mistake in what was just typed is the likeliest one.
    layers.flags = command_line_settings(args, table);
    layers.variables = environment_settings(env, table);
    const auto* given = layers.flags.find(kConfigSetting);
    given = given != nullptr ? given : layers.variables.find(kConfigSetting);
    if (given != nullptr) {
        layers.file_name = std::get<std::string>(*given->value);
        Diagnostics diagnostics;
        layers.file = read_config_file(layers.file_name, given->origin, diagnostics, table);
        diagnostics.throw_first();
    }
    return layers;
}

Settings merge(const Layers& layers) {
    auto settings = layers.file;
    overlay(settings, layers.variables);
    overlay(settings, layers.flags);
    return settings;
}

Settings load_settings(const CommandLine& args, const Environment& env,
                       std::span<const Setting> table) {
    return merge(load_layers(args, env, table));
}

server::ServerConfig load_config(const CommandLine& args, const Environment& env) {
    const auto settings = load_settings(args, env);
    auto config = resolve(settings);
    place_state(settings, env, config);
    return config;
}

Diagnostics check_config_file(const std::string& path, const std::string& origin,
                              std::span<const Setting> table) {
    Diagnostics diagnostics;
    const auto settings = read_config_file(path, origin, diagnostics, table);
    if (diagnostics.empty()) {
        diagnostics.attempt([&] { (void)resolve(settings, table); });
    }
    return diagnostics;
}

std::vector<std::string> environment_warnings(const Environment& env,
                                              std::span<const Setting> table) {
    std::vector<std::string_view> names;
    for (const auto& setting : table) {
        if (!setting.variable.empty()) {
            names.push_back(setting.variable);
        }
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
