#include "herald/server/reload.h"

#include <gtest/gtest.h>

namespace herald::server {
namespace {

TEST(SettingsNeedingRestart, AppsAndTheLogLevelChangeLiveEverythingElseIsNamed) {
    ServerConfig running;
    auto next = running;
    next.apps.push_back(development_app());
    next.log_level = "debug";
    EXPECT_TRUE(settings_needing_restart(running, next).empty());

    next.listen.port = 7001;
    next.redis_url = "redis://127.0.0.1:6379";
    next.activity_timeout = std::chrono::seconds(60);
    EXPECT_EQ(settings_needing_restart(running, next),
              (std::vector<std::string>{"port", "activity_timeout", "redis_url"}));
}

}  // namespace
}  // namespace herald::server
