#include "herald/client/reconnect.h"

#include <gtest/gtest.h>

namespace herald::client {
namespace {

using std::chrono::milliseconds;

TEST(AfterClose, FollowsTheProtocolsRanges) {
    EXPECT_EQ(after_close(4000), AfterClose::Tls);
    for (const std::uint16_t code : {4001, 4009, 4099, 4300, 4301, 4399, 4500}) {
        EXPECT_EQ(after_close(code), AfterClose::Fail) << code;
    }
    for (const std::uint16_t code : {4100, 4150, 4199}) {
        EXPECT_EQ(after_close(code), AfterClose::Backoff) << code;
    }
    for (const std::uint16_t code : {4200, 4201, 4299}) {
        EXPECT_EQ(after_close(code), AfterClose::Now) << code;
    }
    for (const std::uint16_t code : {1000, 1001, 1002, 1006, 1011, 3000}) {
        EXPECT_EQ(after_close(code), AfterClose::Backoff) << code;
    }
}

TEST(Backoff, DoublesUpToTheCapWithEqualJitter) {
    Backoff backoff(milliseconds(1000), milliseconds(5000));
    EXPECT_EQ(backoff.next(1.0), milliseconds(1000));
    EXPECT_EQ(backoff.next(0.0), milliseconds(1000));  // 2 s, lowest draw: half of it
    EXPECT_EQ(backoff.next(1.0), milliseconds(4000));
    EXPECT_EQ(backoff.next(1.0), milliseconds(5000));  // 8 s capped
    EXPECT_EQ(backoff.next(0.5), milliseconds(3750));
    EXPECT_EQ(backoff.attempts(), 5U);
    backoff.reset();
    EXPECT_EQ(backoff.next(0.0), milliseconds(500));
}

TEST(Backoff, TheCapIsConfigurable) {
    Backoff backoff(milliseconds(100), milliseconds(300));
    for (int i = 0; i < 50; ++i) {
        const auto delay = backoff.next(0.999);
        EXPECT_LE(delay, milliseconds(300));
        EXPECT_GE(delay, milliseconds(50));
    }
}

}  // namespace
}  // namespace herald::client
