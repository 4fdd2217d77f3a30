#include "herald/cli/config_command.h"

#include <string>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "herald/cli/config_init.h"
#include "herald/cli/config_print.h"
#include "herald/cli/setting_options.h"
#include "herald/cli/state_dir.h"

namespace herald::cli {

namespace {

constexpr int kUsageError = 2;
constexpr std::string_view kConfigSetting = "config";

}  // namespace

ConfigCommand::ConfigCommand(CLI::App& parent, std::span<const Setting> table)
    : table_(table),
      command_(parent.add_subcommand("config", "Check, write or show the configuration")) {
    command_->require_subcommand(1);
    check_ = command_->add_subcommand(
            "check", "Check a config file: `ok`, or every problem, one a line (exit status 2)");
    const auto* config = find_setting(table, kConfigSetting);
    check_->add_option_function<std::string>(
                  std::string(config->flags),
                  [this](const std::string& v) {
                      check_args_.set(kConfigSetting, "--config", {v});
                  },
                  std::string(config->help))
            ->type_name("FILE");
    init_ = command_->add_subcommand(
            "init", "Print a commented config file with every setting at its default");
    print_ = command_->add_subcommand(
            "print",
            "Print what `herald serve` would run with given the same flags, HERALD_* variables "
            "and file, each value with where it came from (secrets masked)");
    add_setting_options(*print_, print_args_, table);
}

std::optional<int> ConfigCommand::run(const Environment& env, std::FILE* out,
                                      std::FILE* err) const {
    if (check_->parsed()) {
        return check(env, out, err);
    }
    if (init_->parsed()) {
        std::fputs(initial_config(table_).c_str(), out);
        return 0;
    }
    if (print_->parsed()) {
        return print(env, out, err);
    }
    return std::nullopt;
}

int ConfigCommand::check(const Environment& env, std::FILE* out, std::FILE* err) const {
    std::string file;
    std::string origin = "HERALD_CONFIG";
    if (const auto* given = check_args_.find(kConfigSetting)) {
        file = (*given)->back();
        origin = given->origin;
    } else if (const auto it = env.find("HERALD_CONFIG"); it != env.end()) {
        file = it->second;
    }
    if (file.empty()) {
        std::fputs("herald: config check: name the file with -C FILE (or HERALD_CONFIG)\n", err);
        return kUsageError;
    }
    const auto diagnostics = check_config_file(file, origin, table_);
    if (diagnostics.empty()) {
        std::fputs("ok\n", out);
        return 0;
    }
    for (const auto& problem : diagnostics.problems()) {
        std::fprintf(out, "%s\n", problem.c_str());
    }
    return kUsageError;
}

int ConfigCommand::print(const Environment& env, std::FILE* out, std::FILE* err) const {
    try {
        const auto layers = load_layers(print_args_, env, table_);
        const auto merged = merge(layers);
        auto config = resolve(merged, table_);
        place_state(merged, env, config);
        std::fputs(print_config(layers, config, table_).c_str(), out);
    } catch (const ConfigError& e) {
        std::fprintf(err, "herald: %s\n", e.what());
        return kUsageError;
    }
    return 0;
}

}  // namespace herald::cli
