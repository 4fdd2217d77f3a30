#include "herald/pusher/limits.h"

#include <chrono>
#include <cstddef>

#include <gtest/gtest.h>

namespace herald::pusher {
namespace {

// Each default is pinned to the number protocol.md gives, so that changing one is a decision that
// shows up here; the boundary tests live beside the functions that apply them.
TEST(Limits, SizesMatchTheProtocolDocument) {
    EXPECT_EQ(kMaxChannelNameLength, std::size_t{164});         // §6.2 [DOC]
    EXPECT_EQ(kLenientMaxChannelNameLength, std::size_t{200});  // §6.2, §14 D2
    EXPECT_EQ(kMaxEventNameLength, std::size_t{200});           // §6.9
    EXPECT_EQ(kMaxEventDataBytes, std::size_t{10240});          // §6.9: 10 KB
    EXPECT_EQ(kMaxChannelsPerTrigger, std::size_t{100});        // §8.4
    EXPECT_EQ(kMaxBatchEvents, std::size_t{10});                // §8.5
}

TEST(Limits, PresenceAndUserLimitsMatchTheProtocolDocument) {
    EXPECT_EQ(kMaxClientEventsPerSecond, std::size_t{10});  // §4.9
    EXPECT_EQ(kMaxPresenceMembers, std::size_t{100});       // §6.5.3
    EXPECT_EQ(kMaxUserInfoBytes, std::size_t{1024});        // §6.5.3: 1 KB
    EXPECT_EQ(kMaxUserIdLength, std::size_t{128});          // §6.5.3
    EXPECT_EQ(kMaxWatchlistSize, std::size_t{100});         // §4.13
}

TEST(Limits, FramesLeaveRoomForAFullEvent) {
    EXPECT_GE(kMaxClientMessageBytes, 2 * kMaxEventDataBytes);  // §2.6: "at least ~20 KB"
    EXPECT_EQ(kMaxCloseReasonBytes, std::size_t{123});          // RFC 6455 §5.5
    EXPECT_GE(kMaxJsonDepth, std::size_t{16});
}

TEST(Limits, TimingsMatchTheProtocolDocument) {
    using std::chrono::seconds;
    EXPECT_EQ(kActivityTimeout, seconds{120});             // §2.4
    EXPECT_EQ(kPongTimeout, seconds{30});                  // §4.2
    EXPECT_EQ(kCacheTtl, seconds{1800});                   // §6.7
    EXPECT_EQ(kRestTimestampWindow, seconds{600});         // §8.2
    EXPECT_EQ(kWebhookDelay, seconds{3});                  // §6.10
    EXPECT_EQ(kSubscriptionCountInterval, seconds{5});     // §4.15
    EXPECT_EQ(kAuthorizedConnectionTimeout, seconds{30});  // §6.10
}

TEST(Limits, ProtocolVersionsAreFiveToSeven) {
    EXPECT_EQ(kMinProtocolVersion, 5);  // §2.2
    EXPECT_EQ(kMaxProtocolVersion, 7);
    EXPECT_EQ(kSubscriptionCountThrottleAbove, std::size_t{100});  // §4.15
}

}  // namespace
}  // namespace herald::pusher
