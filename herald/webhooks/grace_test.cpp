#include "herald/webhooks/grace.h"

#include <gtest/gtest.h>

namespace herald::webhooks {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

class GraceTest : public ::testing::Test {
protected:
    std::vector<AppEvent> push(Event e, milliseconds at, std::size_t app = 0) {
        std::vector<AppEvent> out;
        filter.push(AppEvent{app, std::move(e)}, start + at, out);
        return out;
    }

    std::vector<AppEvent> due(milliseconds at) {
        std::vector<AppEvent> out;
        filter.release_due(start + at, out);
        return out;
    }

    GraceFilter filter{seconds(3), seconds(5)};
    Clock::time_point start = Clock::now();
};

TEST_F(GraceTest, OccupiedGoesOutAtOnceVacatedAfterTheDelay) {
    EXPECT_EQ(push(channel_occupied("c"), milliseconds(0)).size(), 1U);
    EXPECT_TRUE(push(channel_vacated("c"), milliseconds(100)).empty());
    EXPECT_TRUE(due(milliseconds(3099)).empty());
    const auto out = due(milliseconds(3100));
    ASSERT_EQ(out.size(), 1U);
    EXPECT_EQ(out[0].event, channel_vacated("c"));
    EXPECT_EQ(filter.held(), 0U);
}

TEST_F(GraceTest, ReoccupiedWithinTheDelaySendsNeitherVacatedNorOccupied) {
    push(channel_occupied("c"), milliseconds(0));
    push(channel_vacated("c"), milliseconds(10));
    EXPECT_TRUE(push(channel_occupied("c"), milliseconds(2000)).empty());
    EXPECT_TRUE(due(milliseconds(10000)).empty());
    // A later real departure is held and sent once.
    push(channel_vacated("c"), milliseconds(11000));
    EXPECT_EQ(due(milliseconds(14000)).size(), 1U);
}

TEST_F(GraceTest, MemberRejoiningCancelsOnlyThatUser) {
    push(member_removed("presence-a", "1"), milliseconds(0));
    push(member_removed("presence-a", "2"), milliseconds(1));
    EXPECT_TRUE(push(member_added("presence-a", "1"), milliseconds(500)).empty());
    EXPECT_EQ(push(member_added("presence-a", "3"), milliseconds(500)).size(), 1U);
    const auto out = due(milliseconds(5000));
    ASSERT_EQ(out.size(), 1U);
    EXPECT_EQ(out[0].event, member_removed("presence-a", "2"));
}

TEST_F(GraceTest, AppsAreKeptApart) {
    push(channel_vacated("c"), milliseconds(0), 0);
    EXPECT_EQ(push(channel_occupied("c"), milliseconds(1), 1).size(), 1U);
    EXPECT_EQ(due(milliseconds(3000)).size(), 1U);
}

TEST_F(GraceTest, ReleasesInTheOrderTheyHappened) {
    push(member_removed("presence-a", "1"), milliseconds(0));
    push(channel_vacated("presence-a"), milliseconds(0));
    push(channel_vacated("b"), milliseconds(5));
    const auto out = due(milliseconds(4000));
    ASSERT_EQ(out.size(), 3U);
    EXPECT_EQ(out[0].event.type, EventType::MemberRemoved);
    EXPECT_EQ(out[1].event, channel_vacated("presence-a"));
    EXPECT_EQ(out[2].event, channel_vacated("b"));
}

TEST_F(GraceTest, ReleaseAllSendsWhatIsHeld) {
    push(channel_vacated("c"), milliseconds(0));
    std::vector<AppEvent> out;
    filter.release_all(out);
    EXPECT_EQ(out.size(), 1U);
    EXPECT_FALSE(filter.next_due());
}

TEST_F(GraceTest, CacheMissAtMostOncePerChannelPerInterval) {
    EXPECT_EQ(push(cache_miss("cache-a"), milliseconds(0)).size(), 1U);
    EXPECT_TRUE(push(cache_miss("cache-a"), milliseconds(100)).empty());
    EXPECT_EQ(push(cache_miss("cache-b"), milliseconds(100)).size(), 1U);
    EXPECT_EQ(push(cache_miss("cache-a"), milliseconds(5000)).size(), 1U);
}

TEST_F(GraceTest, ClientEventsAndCountsPassStraightThrough) {
    EXPECT_EQ(push(client_event("private-a", "client-x", "{}", "1.1", ""), milliseconds(0)).size(),
              1U);
    EXPECT_EQ(push(subscription_count("a", 3), milliseconds(0)).size(), 1U);
}

TEST(GraceFilter, ZeroDelaySendsRemovalsAtOnce) {
    GraceFilter filter{Clock::duration::zero(), seconds(5)};
    std::vector<AppEvent> out;
    filter.push(AppEvent{0, channel_vacated("c")}, Clock::now(), out);
    EXPECT_EQ(out.size(), 1U);
}

}  // namespace
}  // namespace herald::webhooks
