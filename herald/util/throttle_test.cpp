// herald/util/throttle_test.cpp
#include "herald/util/throttle.h"

#include <chrono>
#include <vector>

#include <gtest/gtest.h>

namespace herald::util {
namespace {

using namespace std::chrono_literals;

TEST(Throttle, LetsABurstThroughPerIntervalAndCountsTheRest) {
    Throttle throttle(3, 10s);
    const Throttle::Clock::time_point start{1000s};
    int passed = 0;
    for (int i = 0; i < 10000; ++i) {
        passed += throttle.admit(start + std::chrono::milliseconds(i / 10)).has_value() ? 1 : 0;
    }
    EXPECT_EQ(passed, 3);  // 10,000 events within one second: three lines
    const auto next = throttle.admit(start + 11s);
    ASSERT_TRUE(next);
    EXPECT_EQ(*next, 9997U);  // the first line of the next interval reports the others
    EXPECT_EQ(throttle.admit(start + 11s), 0U);
}

TEST(Throttle, QuietTrafficIsNeverHeldBack) {
    Throttle throttle(2, 1s);
    const Throttle::Clock::time_point start{1000s};
    for (int i = 0; i < 100; ++i) {
        EXPECT_EQ(throttle.admit(start + std::chrono::seconds(i)), 0U) << i;
    }
}

TEST(Throttle, NotesWhatWasHeldBack) {
    EXPECT_EQ(held_back_note(0), "");
    EXPECT_EQ(held_back_note(12), " (12 more like it not logged)");
    Throttle throttle(1, 10s);
    std::vector<std::string> lines;
    for (int i = 0; i < 5; ++i) {
        log_throttled(throttle, [&](const std::string& note) { lines.push_back("line" + note); });
    }
    EXPECT_EQ(lines, std::vector<std::string>{"line"});
}

}  // namespace
}  // namespace herald::util
