#include "herald/server/channel_table.h"

#include <gtest/gtest.h>

namespace herald::server {
namespace {

JoinResult join(ChannelTable& table, std::string_view channel, std::size_t worker,
                const pusher::Member* member = nullptr, std::size_t max_members = 100) {
    return table.join(JoinRequest{0, channel, worker, member, max_members});
}

TEST(ChannelTable, TracksWhichWorkersHoldSubscribers) {
    ChannelTable table(4);
    EXPECT_EQ(table.workers_with(0, "news"), 0U);
    join(table, "news", 1);
    join(table, "news", 3);
    join(table, "news", 3);
    EXPECT_EQ(table.workers_with(0, "news"), 0b1010U);
    EXPECT_EQ(table.leave(0, "news", 3, nullptr).subscriptions, 2U);
    EXPECT_EQ(table.workers_with(0, "news"), 0b1010U);
    table.leave(0, "news", 3, nullptr);
    EXPECT_EQ(table.workers_with(0, "news"), 0b0010U);
    EXPECT_EQ(table.workers_with(1, "news"), 0U) << "apps are separate";
}

TEST(ChannelTable, AddsAndRemovesAMemberOncePerUser) {
    ChannelTable table(2);
    const pusher::Member ann{"1", R"({"name":"Ann"})"};
    const pusher::Member bob{"2", "{}"};
    EXPECT_TRUE(join(table, "presence-room", 0, &ann).member_added);
    EXPECT_FALSE(join(table, "presence-room", 1, &ann).member_added) << "second tab";
    const auto third = join(table, "presence-room", 1, &bob);
    EXPECT_TRUE(third.member_added);
    ASSERT_EQ(third.roster.size(), 2U);
    EXPECT_EQ(third.roster[0], ann);
    EXPECT_EQ(third.roster[1], bob);
    EXPECT_FALSE(table.leave(0, "presence-room", 0, &ann.user_id).member_removed);
    EXPECT_TRUE(table.leave(0, "presence-room", 1, &ann.user_id).member_removed);
    EXPECT_EQ(table.members(0, "presence-room"), std::vector<std::string>{"2"});
    const auto state = table.state(0, "presence-room");
    EXPECT_EQ(state.user_count, 1U);
    EXPECT_EQ(state.subscription_count, 1U);
}

TEST(ChannelTable, RefusesANewUserInAFullChannelButNotAnotherTab) {
    ChannelTable table(1);
    const pusher::Member ann{"1", "{}"};
    const pusher::Member bob{"2", "{}"};
    join(table, "presence-x", 0, &ann, 1);
    EXPECT_TRUE(join(table, "presence-x", 0, &bob, 1).refused);
    EXPECT_FALSE(join(table, "presence-x", 0, &ann, 1).refused);
    EXPECT_EQ(table.state(0, "presence-x").subscription_count, 2U);
}

TEST(ChannelTable, KeepsTheCachedEventUntilItExpires) {
    ChannelTable table(1);
    table.remember(0, "cache-a", CachedEvent{"e", "d"}, SteadyClock::now() + std::chrono::hours(1));
    table.remember(0, "cache-b", CachedEvent{"e", "d"},
                   SteadyClock::now() - std::chrono::seconds(1));
    EXPECT_EQ(join(table, "cache-a", 0).cache, (CachedEvent{"e", "d"}));
    EXPECT_FALSE(join(table, "cache-b", 0).cache.has_value());
    table.leave(0, "cache-a", 0, nullptr);
    EXPECT_EQ(table.state(0, "cache-a").cache, (CachedEvent{"e", "d"})) << "outlives subscribers";
    EXPECT_EQ(table.state(0, "cache-a").cache_ttl_seconds, 3600U);
    EXPECT_FALSE(table.state(0, "cache-a").occupied);
}

TEST(ChannelTable, ListsOccupiedChannelsByPrefixInOrder) {
    ChannelTable table(1);
    const pusher::Member ann{"1", "{}"};
    join(table, "presence-b", 0, &ann);
    join(table, "presence-a", 0);
    join(table, "public", 0);
    join(table, "gone", 0);
    table.leave(0, "gone", 0, nullptr);
    const auto all = table.occupied(0, "");
    ASSERT_EQ(all.size(), 3U);
    EXPECT_EQ(all[0].name, "presence-a");
    EXPECT_EQ(all[2].name, "public");
    const auto presence = table.occupied(0, "presence-");
    ASSERT_EQ(presence.size(), 2U);
    EXPECT_EQ(presence[1].user_count, 1U);
    EXPECT_TRUE(table.occupied(1, "").empty());
}

TEST(ChannelTable, ThrottlesSubscriptionCountsOfBigChannels) {
    ChannelTable table(1);
    const auto t0 = SteadyClock::now();
    const auto interval = std::chrono::seconds(5);
    join(table, "c", 0);
    join(table, "c", 0);
    EXPECT_TRUE(table.decide_count(0, "c", t0, 2, interval).send_now) << "small: always";
    join(table, "c", 0);
    const auto first = table.decide_count(0, "c", t0, 2, interval);
    EXPECT_FALSE(first.send_now) << "sent just now, within the interval";
    EXPECT_TRUE(first.deferred);
    EXPECT_EQ(first.due, t0 + interval);
    join(table, "c", 0);
    const auto second = table.decide_count(0, "c", t0, 2, interval);
    EXPECT_FALSE(second.send_now || second.deferred) << "already pending";
    EXPECT_EQ(table.release_count(0, "c", t0 + interval), 4U) << "the latest count";
    EXPECT_FALSE(table.release_count(0, "c", t0 + interval).has_value());
    EXPECT_TRUE(table.decide_count(0, "c", t0 + 2 * interval, 2, interval).send_now);
}

TEST(ChannelTable, IgnoresALeaveWithoutAJoin) {
    ChannelTable table(2);
    EXPECT_EQ(table.leave(0, "x", 1, nullptr).subscriptions, 0U);
    join(table, "x", 0);
    EXPECT_EQ(table.leave(0, "x", 1, nullptr).subscriptions, 0U);
    EXPECT_EQ(table.state(0, "x").subscription_count, 1U);
}

}  // namespace
}  // namespace herald::server
