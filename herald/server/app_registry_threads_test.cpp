// AppRegistry under a reload: lookups on several threads while another thread replaces the apps.
// The tsan preset runs it; every app a reader gets must be whole and stay valid while held.
#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "herald/server/app.h"

namespace herald::server {
namespace {

std::vector<App> version(int n) {
    std::vector<App> apps;
    for (int i = 0; i < 3; ++i) {
        App app;
        app.id = std::to_string(i);
        app.key = "key-" + std::to_string(i);
        app.secret = "secret-" + std::to_string(n);
        app.limits.max_connections = static_cast<std::size_t>(n);
        if (i != 2 || n % 2 == 0) {  // app 2 comes and goes
            apps.push_back(std::move(app));
        }
    }
    return apps;
}

TEST(AppRegistryThreads, LookupsDuringReplacesSeeWholeApps) {
    AppRegistry apps(version(0));
    std::atomic<bool> done{false};
    std::atomic<std::size_t> mismatches{0};
    std::atomic<std::size_t> seen{0};
    std::vector<std::thread> readers;
    for (int r = 0; r < 2; ++r) {
        readers.emplace_back([&] {
            while (!done.load()) {
                for (const auto* key : {"key-0", "key-1", "key-2"}) {
                    if (const auto app = apps.by_key(key)) {
                        // One version's secret and limits, never a mix.
                        const auto n = std::to_string(app->limits.max_connections);
                        if (app->secret != "secret-" + n) {
                            mismatches.fetch_add(1);
                        }
                        seen.fetch_add(1);
                    }
                }
                for (const auto& [slot, id] : apps.live_slots()) {
                    if (const auto app = apps.at(slot); app && app->id != id) {
                        mismatches.fetch_add(1);
                    }
                }
            }
        });
    }
    for (int n = 1; n <= 2000; ++n) {
        ASSERT_TRUE(apps.replace(version(n)).has_value());
    }
    done.store(true);
    for (auto& t : readers) {
        t.join();
    }
    EXPECT_EQ(mismatches.load(), 0U);
    EXPECT_GT(seen.load(), 0U);
    EXPECT_EQ(apps.by_id("1")->secret, "secret-2000");
    EXPECT_EQ(*apps.slot_of("2"), 2U);
}

}  // namespace
}  // namespace herald::server
