#include "herald/cli/setting.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "herald/cli/config_load.h"
#include "herald/cli/config_toml.h"
#include "herald/cli/serve_command.h"
#include "herald/cli/settings.h"
#include "herald/cli/temp_file.h"

namespace herald::cli {
namespace {

constexpr std::string_view kBegin =
        "<!-- settings table: generated from herald/cli/setting_table.cpp -->\n";
constexpr std::string_view kEnd = "<!-- end of settings table -->";

std::string read(const std::filesystem::path& path) {
    std::ifstream in(path);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

bool contains(const std::string& text, std::string_view part) {
    return text.find(part) != std::string::npos;
}

TEST(SettingTable, ConfigurationDocShowsExactlyTheGeneratedReference) {
    const auto doc = read(std::filesystem::path(HERALD_SOURCE_DIR) / "docs/CONFIGURATION.md");
    const auto begin = doc.find(kBegin);
    const auto end = doc.find(kEnd);
    ASSERT_NE(begin, std::string::npos);
    ASSERT_NE(end, std::string::npos);
    const auto shown = doc.substr(begin + kBegin.size(), end - begin - kBegin.size());
    const auto expected = reference_table(settings_table());
    if (shown != expected) {
        ADD_FAILURE() << "docs/CONFIGURATION.md differs from the setting table; put this between "
                         "its markers:\n"
                      << expected;
    }
}

TEST(SettingTable, NamesVariablesAndFlagsAreUnique) {
    std::vector<std::string> seen;
    for (const auto& setting : settings_table()) {
        for (const auto name : {setting.name, setting.variable, setting.flags}) {
            if (!name.empty()) {
                EXPECT_EQ(std::count(seen.begin(), seen.end(), name), 0) << name;
                seen.emplace_back(name);
            }
        }
    }
}

// A value of the setting's type other than `value` (any one when it is unset).
Value other_than(const Setting& setting, const std::optional<Value>& value) {
    switch (setting.type->kind) {
        case Kind::Text:
            return (value ? std::get<std::string>(*value) : std::string()) + "x";
        case Kind::Integer: {
            const auto low = setting.type->make(setting.type->minimum);
            return low == value ? setting.type->make(setting.type->minimum + 1) : low;
        }
        case Kind::Switch:
            return !(value && std::get<bool>(*value));
        case Kind::List:
            return std::vector<std::string>{"http://other.example/"};
    }
    return {};
}

TEST(SettingTable, ShownDefaultsAreTheDefaultsTheServerRunsWith) {
    const auto running = resolve(Settings{});  // nothing given by any file, variable or flag
    for (const auto& setting : settings_table()) {
        if (setting.field.load == nullptr) {
            EXPECT_EQ(setting.field.store, nullptr) << setting.name << " stores but cannot load";
            continue;
        }
        EXPECT_TRUE(setting.default_text.empty())
                << setting.name << ": a default in words besides the member's own";
        EXPECT_EQ(default_value(setting), setting.field.load(running)) << setting.name;
    }
}

TEST(SettingTable, EachFieldReadsBackTheMemberItStores) {
    for (const auto& setting : settings_table()) {
        if (setting.field.store == nullptr) {
            continue;
        }
        const auto value = other_than(setting, default_value(setting));
        server::ServerConfig config;
        setting.field.store(value, config);
        EXPECT_EQ(setting.field.load(config), value) << setting.name;
    }
}

TEST(SettingTable, HelpAndReferenceShowTheDefaultsOfServerConfig) {
    const server::ServerConfig defaults;
    const auto reference = reference_table(settings_table());
    const auto row = [&](std::string_view name, const auto& value) {
        return fmt::format("| `{}` | {} | `{}` |", name,
                           find_setting(settings_table(), name)->type->shown, value);
    };
    EXPECT_TRUE(contains(reference, row("host", defaults.listen.host))) << reference;
    EXPECT_TRUE(contains(reference, row("port", defaults.listen.port))) << reference;
    EXPECT_TRUE(contains(reference, row("activity_timeout", defaults.activity_timeout.count())));
    EXPECT_TRUE(contains(reference, row("cluster_lease_ms", defaults.cluster_lease.count())));
    EXPECT_TRUE(contains(reference, row("verbose", "false")));
    EXPECT_TRUE(contains(reference, fmt::format("| `app_key` (no file key) | string | `{}` |",
                                                server::development_app().key)));
    EXPECT_TRUE(contains(reference, "| `pid_file` | string | unset |"));

    CLI::App app{"test", "herald"};
    const ServeCommand serve(app);
    const auto help = app.get_subcommand("serve")->help();
    EXPECT_TRUE(contains(help, fmt::format("(default {})", defaults.listen.port))) << help;
    EXPECT_TRUE(contains(help, fmt::format("Seconds of silence before clients ping (default {})",
                                           defaults.activity_timeout.count())))
            << help;
    EXPECT_TRUE(contains(help, fmt::format("(default {})", defaults.log_level))) << help;
}

// The real table plus one setting nothing else in Herald knows of.
std::vector<Setting> table_with_dummy() {
    std::vector<Setting> table(settings_table().begin(), settings_table().end());
    table.push_back({.name = "dummy_limit",
                     .type = &kCount,
                     .variable = "HERALD_DUMMY_LIMIT",
                     .flags = "--dummy-limit,--dummy_limit",
                     .value_name = "N",
                     // Not a ServerConfig member: a load of its own stands for one.
                     .field = {.load =
                                       [](const server::ServerConfig&) {
                                           return std::optional<Value>(std::size_t{5});
                                       }},
                     .help = "A limit only this test knows",
                     .doc = "a limit only this test knows"});
    return table;
}

std::string error_of(const CommandLine& args, const Environment& env,
                     std::span<const Setting> table) {
    try {
        (void)load_settings(args, env, table);
    } catch (const ConfigError& e) {
        return e.what();
    }
    return "";
}

TEST(SettingTable, DummySettingAddedOnlyToTheTableWorksFromFileVariableAndFlag) {
    const auto table = table_with_dummy();
    const TempFile file("dummy_limit = 1\n", ".toml");

    // The flag: `herald serve --config FILE --dummy_limit 3`, parsed by CLI11.
    CLI::App app{"test", "herald"};
    const ServeCommand serve(app, table);
    std::vector<std::string> argv{"3", "--dummy_limit", file.path(), "--config", "serve"};
    app.parse(argv);
    const auto& with_flag = serve.command_line();
    CommandLine without_flag;
    without_flag.set("config", "--config", {file.path()});

    const Environment env{{"HERALD_DUMMY_LIMIT", "2"}};
    const auto from_file = load_settings(without_flag, {}, table).get<std::size_t>("dummy_limit");
    const auto from_env = load_settings(without_flag, env, table).get<std::size_t>("dummy_limit");
    const auto from_flag = load_settings(with_flag, env, table).get<std::size_t>("dummy_limit");
    EXPECT_EQ(*from_file, 1U);
    EXPECT_EQ(from_file.origin, file.path() + ":1:15: dummy_limit");
    EXPECT_EQ(*from_env, 2U);
    EXPECT_EQ(from_env.origin, "HERALD_DUMMY_LIMIT");
    EXPECT_EQ(*from_flag, 3U);
    EXPECT_EQ(from_flag.origin, "--dummy-limit");
    EXPECT_FALSE(load_settings({}, {}, table).get<std::size_t>("dummy_limit"));

    // Its type's checks and the hints come with it.
    EXPECT_EQ(error_of({}, {{"HERALD_DUMMY_LIMIT", "-1"}}, table),
              "config error: HERALD_DUMMY_LIMIT = \"-1\": expected a non-negative integer");
    EXPECT_EQ(error_of(with_flag, {{"HERALD_DUMMY_LIMIT", "x"}}, table),
              "config error: HERALD_DUMMY_LIMIT = \"x\": expected a non-negative integer");
    try {
        (void)parse_toml_config("dummy_limt = 1\n", "herald.toml", table);
        ADD_FAILURE() << "a typo is an error";
    } catch (const ConfigError& e) {
        EXPECT_STREQ(e.what(),
                     "config error: herald.toml:1:1: unknown key \"dummy_limt\" (did you mean "
                     "\"dummy_limit\"?)");
    }
    const auto warnings = environment_warnings({{"HERALD_DUMMY_LIMT", "1"}}, table);
    ASSERT_EQ(warnings.size(), 1U);
    EXPECT_TRUE(contains(warnings[0], "did you mean HERALD_DUMMY_LIMIT")) << warnings[0];

    // The real table knows nothing of it.
    EXPECT_THROW((void)parse_toml_config("dummy_limit = 1\n", "herald.toml"), ConfigError);

    // The reference and --help show it.
    EXPECT_TRUE(contains(reference_table(table),
                         "| `dummy_limit` | integer ≥ 0 | `5` | `HERALD_DUMMY_LIMIT` | "
                         "`--dummy-limit`, `--dummy_limit` | a limit only this test knows |\n"));
    const auto help = app.get_subcommand("serve")->help();
    EXPECT_TRUE(contains(help, "--dummy-limit")) << help;
    EXPECT_TRUE(contains(help, "A limit only this test knows (default 5)")) << help;
}

}  // namespace
}  // namespace herald::cli
