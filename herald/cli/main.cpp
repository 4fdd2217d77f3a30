// herald/cli/main.cpp
//
// The `herald` command: `serve` (serve_command.cpp), `config` (config_command.cpp), the client
// subcommands trigger, channels, channel, users, auth and keygen (client_commands.cpp), and
// `listen` (listen_command.cpp), `apps` (apps_command.cpp). Exit status 0 on success, 2 for a usage
// or configuration error, 1 when the server cannot run or refused a request (`listen` adds 3: a
// refused subscription).
#include <algorithm>
#include <cstdio>
#include <exception>
#include <string>
#include <string_view>
#include <vector>

#include <CLI/CLI.hpp>

#include "herald/cli/apps_command.h"
#include "herald/cli/client_commands.h"
#include "herald/cli/config_command.h"
#include "herald/cli/listen_command.h"
#include "herald/cli/serve_command.h"

namespace {

constexpr int kUsageError = 2;

// `herald -k KEY -s SECRET` (options but no subcommand) means `herald serve ...`, so a Slanger
// command line works with only the program name changed.
std::vector<std::string> with_default_command(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    if (!args.empty() && args[0].starts_with('-') && args[0] != "-h" && args[0] != "--help" &&
        args[0] != "--version") {
        args.insert(args.begin(), "serve");
    }
    return args;
}

int run(int argc, char** argv) {
    CLI::App app{"Herald: a self-hosted, Pusher-compatible realtime server", "herald"};
    app.set_version_flag("--version", std::string("herald ") + HERALD_VERSION);
    app.require_subcommand(1);
    const herald::cli::ServeCommand serve(app);
    const herald::cli::ClientCommands client(app);
    const herald::cli::ConfigCommand config(app);
    const herald::cli::ListenCommand listen(app);
    const herald::cli::AppsCommand apps(app);

    auto args = with_default_command(argc, argv);
    std::reverse(args.begin(), args.end());  // CLI11 takes the arguments last-first
    try {
        app.parse(args);
    } catch (const CLI::ParseError& e) {
        const int status = app.exit(e);
        return status == 0 ? 0 : kUsageError;
    }
    if (serve.chosen()) {
        return serve.run();
    }
    const auto env = herald::cli::process_environment();
    if (listen.chosen()) {
        return listen.run(env, stdout, stderr);
    }
    if (const auto status = apps.run(env, stdout, stderr)) {
        return *status;
    }
    if (const auto status = config.run(env, stdout, stderr)) {
        return *status;
    }
    return client.run(env, stdout, stderr).value_or(kUsageError);
}

}  // namespace

int main(int argc, char** argv) {
    try {
        return run(argc, argv);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "herald: %s\n", e.what());
        return 1;
    }
}
