#include "herald/cli/setting_options.h"

#include <cstdint>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace herald::cli {

namespace {

constexpr const char* kServerGroup = "Server";
constexpr const char* kAppGroup = "The app (several apps: use [[apps]] in a config file)";
constexpr const char* kSlangerGroup = "Slanger's options (for users moving from Slanger)";

// Every alias of an option files its text under `name` with one label, the one messages use.
CLI::Option* add(CLI::App& command, CommandLine& args, std::string_view name,
                 std::string_view flags, Kind kind, std::string_view help) {
    const std::string key(name);
    const auto label = flag_label(flags);
    const std::string names(flags);
    const std::string description(help);
    auto* const into = &args;
    if (kind == Kind::Switch) {
        return command.add_flag_function(
                names,
                [into, key, label](std::int64_t n) {
                    into->set(key, label, {n > 0 ? "true" : "false"});
                },
                description);
    }
    if (kind == Kind::List) {
        auto* option = command.add_option_function<std::vector<std::string>>(
                names,
                [into, key, label](const std::vector<std::string>& v) { into->set(key, label, v); },
                description);
        return option->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)->expected(1);
    }
    auto* option = command.add_option_function<std::string>(
            names, [into, key, label](const std::string& v) { into->set(key, label, {v}); },
            description);
    option->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
    return option;
}

}  // namespace

void add_setting_options(CLI::App& command, CommandLine& args, std::span<const Setting> table) {
    for (const auto& setting : table) {
        if (!setting.flags.empty()) {
            add(command, args, setting.name, setting.flags, setting.type->kind, help_text(setting))
                    ->type_name(std::string(setting.value_name))
                    ->group(setting.scope == Scope::App ? kAppGroup : kServerGroup);
        }
    }
    for (const auto& address : address_table()) {
        add(command, args, address.name, address.flags, Kind::Text, address.help)
                ->type_name("HOST:PORT")
                ->group(kSlangerGroup);
    }
    add(command, args, kRubyRequires, "-i,--require", Kind::List,
        "Slanger's Ruby plugins: not supported (an error)")
            ->type_name("FILE")
            ->group(kSlangerGroup);
}

}  // namespace herald::cli
