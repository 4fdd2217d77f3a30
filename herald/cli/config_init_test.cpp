#include "herald/cli/config_init.h"

#include <string>

#include <gtest/gtest.h>

#include "herald/cli/config_load.h"
#include "herald/cli/config_toml.h"
#include "herald/cli/settings.h"
#include "herald/cli/temp_file.h"

namespace herald::cli {
namespace {

TEST(ConfigInit, ConfigCheckAcceptsWhatInitWrites) {
    const TempFile file(initial_config(), ".toml");
    const auto diagnostics = check_config_file(file.path(), "-C");
    EXPECT_TRUE(diagnostics.empty()) << diagnostics.problems().front();
}

TEST(ConfigInit, TheFileConfiguresWhatNoFileConfigures) {
    const auto settings = parse_toml_config(initial_config(), "herald.toml");
    EXPECT_EQ(resolve(settings), resolve(Settings{}));
}

TEST(ConfigInit, EverySettingOfTheFileIsWrittenAtItsDefaultOrCommentedOut) {
    const auto text = initial_config();
    const auto settings = parse_toml_config(text, "herald.toml");
    for (const auto& setting : settings_table()) {
        if (setting.scope != Scope::File) {
            continue;
        }
        const auto key = std::string(setting.name.substr(setting.name.rfind('.') + 1));
        const bool written = settings.find(setting.name) != nullptr;
        const bool commented = text.find("\n# " + key + " = ") != std::string::npos;
        EXPECT_TRUE(written || commented) << setting.name;
        if (written) {
            EXPECT_EQ(*settings.find(setting.name)->value, default_value(setting)) << setting.name;
        }
    }
}

TEST(ConfigInit, TheExampleAppIsAValidAppOnceUncommented) {
    auto text = initial_config();
    const auto start = text.find(kAppsExample);
    ASSERT_NE(start, std::string::npos);
    std::string uncommented = text.substr(0, start);
    std::size_t at = start;
    while (at < text.size()) {
        const auto end = text.find('\n', at);
        auto line = text.substr(at, end - at);
        uncommented += (line.starts_with("# ") ? line.substr(2) : line) + '\n';
        at = end + 1;
    }
    const auto config = resolve(parse_toml_config(uncommented, "herald.toml"));
    ASSERT_EQ(config.apps.size(), 1U);
    EXPECT_EQ(config.apps[0].key, "my-key");
    EXPECT_EQ(config.apps[0].limits, server::AppLimits{});
    ASSERT_EQ(config.apps[0].webhooks.size(), 1U);
    EXPECT_EQ(config.apps[0].webhooks[0].headers.size(), 1U);
}

}  // namespace
}  // namespace herald::cli
