#include "herald/cli/serve_command.h"

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "herald/cli/serve.h"

namespace herald::cli {

namespace {

constexpr const char* kServerGroup = "Server";
constexpr const char* kAppGroup = "The app (several apps: use [[apps]] in a config file)";
constexpr const char* kSlangerGroup = "Slanger's options (for users moving from Slanger)";

}  // namespace

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
    for (const auto& setting : table) {
        if (!setting.flags.empty()) {
            add(setting.name, setting.flags, setting.type->kind, help_text(setting))
                    ->type_name(std::string(setting.value_name))
                    ->group(setting.scope == Scope::App ? kAppGroup : kServerGroup);
        }
    }
    for (const auto& address : address_table()) {
        add(address.name, address.flags, Kind::Text, address.help)
                ->type_name("HOST:PORT")
                ->group(kSlangerGroup);
    }
    add(kRubyRequires, "-i,--require", Kind::List,
        "Slanger's Ruby plugins: not supported (an error)")
            ->type_name("FILE")
            ->group(kSlangerGroup);
}

// Every alias of an option files its text under `name` with one label, the one messages use.
CLI::Option* ServeCommand::add(std::string_view name, std::string_view flags, Kind kind,
                               std::string_view help) {
    const std::string key(name);
    const auto label = flag_label(flags);
    const std::string names(flags);
    const std::string description(help);
    if (kind == Kind::Switch) {
        return command_->add_flag_function(
                names,
                [this, key, label](std::int64_t n) {
                    args_.set(key, label, {n > 0 ? "true" : "false"});
                },
                description);
    }
    if (kind == Kind::List) {
        auto* option = command_->add_option_function<std::vector<std::string>>(
                names,
                [this, key, label](const std::vector<std::string>& v) { args_.set(key, label, v); },
                description);
        return option->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)->expected(1);
    }
    auto* option = command_->add_option_function<std::string>(
            names, [this, key, label](const std::string& v) { args_.set(key, label, {v}); },
            description);
    option->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
    return option;
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
