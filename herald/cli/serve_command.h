// herald/cli/serve_command.h
//
// The `herald serve` subcommand: the settings' flags (setting_options.h) gathered into a
// CommandLine, then configuration loading and the server run.
// Owner: main(), for the life of the process.
#pragma once

#include <span>
#include <string_view>

#include "herald/cli/config_load.h"
#include "herald/cli/setting.h"

// CLI11's namespace, declared here to keep its large header out of every includer.
namespace CLI {  // NOLINT(readability-identifier-naming)
class App;
}  // namespace CLI

namespace herald::cli {

class ServeCommand {
public:
    // Adds `serve` and its options, those of `table`'s settings, to `parent`.
    explicit ServeCommand(CLI::App& parent, std::span<const Setting> table = settings_table());
    ServeCommand(const ServeCommand&) = delete;  // the options write into this object
    ServeCommand& operator=(const ServeCommand&) = delete;

    // Whether the command line chose `serve` (after parsing).
    [[nodiscard]] bool chosen() const;

    // Loads the configuration from the flags and the process environment and runs the server.
    // Returns the exit status: 2 for a configuration error (printed to stderr), else serve()'s.
    [[nodiscard]] int run() const;

    // What was parsed, for tests.
    [[nodiscard]] const CommandLine& command_line() const noexcept { return args_; }

private:
    CLI::App* command_ = nullptr;
    CommandLine args_;
};

}  // namespace herald::cli
