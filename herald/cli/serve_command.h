// herald/cli/serve_command.h
//
// The `herald serve` subcommand: its flags (Herald's, and Slanger's spellings for users moving
// from it) gathered into a CommandLine, then configuration loading and the server run.
// Owner: main(), for the life of the process.
#pragma once

#include "herald/cli/config_load.h"

// CLI11's namespace, declared here to keep its large header out of every includer.
namespace CLI {  // NOLINT(readability-identifier-naming)
class App;
}  // namespace CLI

namespace herald::cli {

class ServeCommand {
public:
    // Adds `serve` and its options to `parent`.
    explicit ServeCommand(CLI::App& parent);

    // Whether the command line chose `serve` (after parsing).
    [[nodiscard]] bool chosen() const;

    // Loads the configuration from the flags and the process environment and runs the server.
    // Returns the exit status: 2 for a configuration error (printed to stderr), else serve()'s.
    [[nodiscard]] int run() const;

    // What was parsed, for tests.
    [[nodiscard]] const CommandLine& command_line() const noexcept { return args_; }

private:
    void add_server_options();
    void add_app_options();
    void add_slanger_options();

    CLI::App* command_ = nullptr;
    CommandLine args_;
};

}  // namespace herald::cli
