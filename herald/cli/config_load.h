// herald/cli/config_load.h
//
// Builds the ServerConfig that `herald serve` runs from, in order of precedence: built-in
// defaults < the configuration file (Herald TOML, or Slanger YAML) < HERALD_* environment
// variables < command-line flags. The environment is passed in as a map so the whole merge is
// testable without touching the process; docs/CONFIGURATION.md lists every key, variable and flag.
// Owner: none (functions), used while `herald` starts.
#pragma once

#include <functional>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "herald/cli/config_values.h"
#include "herald/cli/settings.h"
#include "herald/server/config.h"

namespace herald::cli {

// Environment variables by name.
using Environment = std::map<std::string, std::string, std::less<>>;

// The process environment (environ), read once.
[[nodiscard]] Environment process_environment();

// What `herald serve` was given on its command line, as text, filed under the name of the setting
// (setting.h) or Slanger address (Address::name) each flag gives, or kRubyRequires. Every value
// of a repeatable flag is kept, the last of any other counts. The origin is the spelling error
// messages use for every alias of the flag ("--app-key" for -k). The loader checks the text, so
// flags fail with the same messages as the file and the environment.
struct CommandLine {
    std::map<std::string, Given<std::vector<std::string>>, std::less<>> given;

    void set(std::string_view name, std::string origin, std::vector<std::string> texts);

    // What was given for `name`, or null.
    [[nodiscard]] const Given<std::vector<std::string>>* find(std::string_view name) const;
};

// Slanger's -i/--require: Ruby plugins, always an error.
inline constexpr std::string_view kRubyRequires = "require";

// Merges the layers and checks the result, then places the state directory and the files in it
// (state_dir.h). Throws ConfigError (docs/CONFIGURATION.md shows the messages), never starts
// anything. Reads the configuration file if one is named.
[[nodiscard]] server::ServerConfig load_config(const CommandLine& args, const Environment& env);

// Each layer as given, before they are merged.
struct Layers {
    Settings flags;
    Settings variables;
    Settings file;
    std::string file_name;  // the configuration file; empty: none is named
};

[[nodiscard]] Layers load_layers(const CommandLine& args, const Environment& env,
                                 std::span<const Setting> table = settings_table());

// The merged layers before resolve(), for the settings of `table`.
[[nodiscard]] Settings merge(const Layers& layers);
[[nodiscard]] Settings load_settings(const CommandLine& args, const Environment& env,
                                     std::span<const Setting> table = settings_table());

// Every problem of the configuration file `path` on its own, without flags or variables: its
// keys and values, then (when they are all right) the checks that need several settings at once.
// Read as Slanger YAML when its name ends in .yml/.yaml; `origin` names what gave the path.
[[nodiscard]] Diagnostics check_config_file(const std::string& path, const std::string& origin,
                                            std::span<const Setting> table = settings_table());

// HERALD_* variables that are not Herald settings but are one or two letters away from one
// ("HERALD_PROT"), each as a warning line. Other HERALD_* names are left alone: build and test
// scripts use some.
[[nodiscard]] std::vector<std::string> environment_warnings(
        const Environment& env, std::span<const Setting> table = settings_table());

}  // namespace herald::cli
