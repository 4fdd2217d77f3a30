// herald/cli/config_command.h
//
// `herald config`: tools for the configuration of `herald serve`.
//   herald config check [-C FILE]   every problem of a file, one a line (FILE:LINE:COL: ...)
//   herald config init              a commented file with every setting at its default
//   herald config print [FLAGS]     what `herald serve FLAGS` would run with, and from where
// The file is -C/--config, else HERALD_CONFIG. Exit status: 0 when all is well, 2 for a problem
// in the configuration or the command line.
// Owner: main(), for the life of the process.
#pragma once

#include <cstdio>
#include <optional>
#include <span>

#include "herald/cli/config_load.h"
#include "herald/cli/setting.h"

// CLI11's namespace, declared here to keep its large header out of every includer.
namespace CLI {  // NOLINT(readability-identifier-naming)
class App;
}  // namespace CLI

namespace herald::cli {

class ConfigCommand {
public:
    explicit ConfigCommand(CLI::App& parent, std::span<const Setting> table = settings_table());
    ConfigCommand(const ConfigCommand&) = delete;  // the options write into this object
    ConfigCommand& operator=(const ConfigCommand&) = delete;

    // The exit status of the chosen subcommand, or nullopt when `config` was not chosen.
    [[nodiscard]] std::optional<int> run(const Environment& env, std::FILE* out,
                                         std::FILE* err) const;

private:
    [[nodiscard]] int check(const Environment& env, std::FILE* out, std::FILE* err) const;
    [[nodiscard]] int print(const Environment& env, std::FILE* out, std::FILE* err) const;

    std::span<const Setting> table_;
    CLI::App* command_ = nullptr;
    CLI::App* check_ = nullptr;
    CLI::App* init_ = nullptr;
    CLI::App* print_ = nullptr;
    CommandLine check_args_;
    CommandLine print_args_;
};

}  // namespace herald::cli
