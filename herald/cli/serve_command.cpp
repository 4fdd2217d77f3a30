#include "herald/cli/serve_command.h"

#include <cstdio>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "herald/cli/serve.h"
#include "herald/cli/setting_options.h"

namespace herald::cli {

ServeCommand::ServeCommand(CLI::App& parent, std::span<const Setting> table)
    : command_(parent.add_subcommand("serve",
                                     "Run the Pusher-compatible server until SIGINT or "
                                     "SIGTERM")) {
    const server::ServerConfig defaults;
    const auto& app = running_app(defaults);
    command_->footer(fmt::format(
            "Precedence: flags > HERALD_* variables > config file > defaults. With no "
            "configuration: {}:{} and the development app (id {}, key {}, secret {}). Every "
            "setting: docs/CONFIGURATION.md",
            defaults.listen.host, defaults.listen.port, app.id, app.key, app.secret));
    add_setting_options(*command_, args_, table);
}

bool ServeCommand::chosen() const {
    return command_->parsed();
}

int ServeCommand::run() const {
    const auto env = process_environment();
    server::ServerConfig config;
    try {
        config = load_config(args_, env);
    } catch (const ConfigError& e) {
        std::fprintf(stderr, "herald: %s\n", e.what());
        return 2;
    }
    for (const auto& warning : environment_warnings(env)) {
        std::fprintf(stderr, "herald: warning: %s\n", warning.c_str());
    }
    // SIGHUP reads the same file again, under the same flags and environment.
    return serve(config, [this, env] { return load_config(args_, env); });
}

}  // namespace herald::cli
