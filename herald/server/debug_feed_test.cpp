#include "herald/server/debug_feed.h"

#include <atomic>
#include <string>

#include <gtest/gtest.h>

#include "herald/server/console_event.h"

namespace herald::server {
namespace {

TEST(DebugFeed, NobodyWatchesUntilAConsoleOpensAndAfterItCloses) {
    DebugFeed feed(4);
    EXPECT_FALSE(feed.watching(1));
    EXPECT_FALSE(feed.watching_any());
    auto watcher = feed.watch(1, [] {});
    EXPECT_TRUE(feed.watching(1));
    EXPECT_FALSE(feed.watching(2));
    EXPECT_TRUE(feed.watching_any());
    EXPECT_FALSE(feed.watching(99));  // beyond the slots: never watched
    feed.unwatch(watcher);
    EXPECT_FALSE(feed.watching(1));
    EXPECT_FALSE(feed.watching_any());
}

TEST(DebugFeed, EventsReachOnlyTheirAppsWatchersAndWakeThemOncePerBatch) {
    DebugFeed feed(4);
    int wakes_one = 0;
    int wakes_two = 0;
    auto one = feed.watch(1, [&] { ++wakes_one; });
    auto two = feed.watch(2, [&] { ++wakes_two; });
    feed.publish(1, "a");
    feed.publish(1, "b");
    feed.publish(3, "nobody");
    EXPECT_EQ(wakes_one, 1);  // the second event found the first still queued
    EXPECT_EQ(wakes_two, 0);
    auto batch = one->take();
    EXPECT_EQ(batch.events, (std::vector<std::string>{"a", "b"}));
    EXPECT_EQ(batch.skipped, 0U);
    EXPECT_TRUE(two->take().events.empty());
    feed.publish(1, "c");
    EXPECT_EQ(wakes_one, 2);  // taken: the next event wakes again
}

TEST(DebugFeed, NodeEventsReachEveryConsole) {
    DebugFeed feed(2);
    auto app_console = feed.watch(0, [] {});
    auto node_console = feed.watch(std::nullopt, [] {});
    feed.publish_to_all("node");
    EXPECT_EQ(app_console->take().events.size(), 1U);
    EXPECT_EQ(node_console->take().events.size(), 1U);
    feed.publish(0, "app only");
    EXPECT_TRUE(node_console->take().events.empty());
}

TEST(DebugFeed, AboveTheRateEventsAreCountedAsSkippedNotQueued) {
    DebugFeed feed(1);
    auto watcher = feed.watch(0, [] {});
    const auto sent = DebugFeed::kMaxPerSecond + 50;
    for (std::size_t i = 0; i < sent; ++i) {
        feed.publish(0, std::to_string(i));
    }
    const auto batch = watcher->take();
    EXPECT_EQ(batch.events.size(), DebugFeed::kMaxPerSecond);
    EXPECT_EQ(batch.events.front(), "0");
    EXPECT_EQ(batch.skipped, 50U);
    EXPECT_EQ(watcher->take().skipped, 0U);  // reported once
}

TEST(ConsoleEvent, WritesTimeKindAndFieldsAsJson) {
    const std::vector<std::string> channels = {"a", "b"};
    const auto json = ConsoleEvent("api_message")
                              .texts("channels", channels)
                              .text("data", "<img src=x onerror=alert(1)>\"")
                              .maybe_text("socket_id", std::optional<std::string>{})
                              .number("code", 4001)
                              .finish();
    EXPECT_EQ(json.rfind(R"({"time":)", 0), 0U);
    EXPECT_NE(json.find(R"("kind":"api_message","channels":["a","b"],)"), std::string::npos);
    EXPECT_NE(json.find(R"("data":"<img src=x onerror=alert(1)>\"")"), std::string::npos);
    EXPECT_EQ(json.find("socket_id"), std::string::npos);  // nothing given: left out
    EXPECT_NE(json.find(R"("code":4001})"), std::string::npos);
}

}  // namespace
}  // namespace herald::server
