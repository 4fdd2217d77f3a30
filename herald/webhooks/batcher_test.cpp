#include "herald/webhooks/batcher.h"

#include <gtest/gtest.h>

namespace herald::webhooks {
namespace {

using std::chrono::milliseconds;

TEST(Batcher, ClosesABatchAtMaxEvents) {
    Batcher batcher(2, milliseconds(250), 20);
    const auto t0 = Batcher::Clock::now();
    std::vector<Batch> ready;
    for (int i = 0; i < 200; ++i) {
        batcher.add(0, channel_occupied("c" + std::to_string(i)), t0 + milliseconds(i / 4), ready);
    }
    ASSERT_EQ(ready.size(), 10U);  // 200 events in 50 ms: ten requests, not 200
    EXPECT_EQ(ready[0].events.front().channel, "c0");
    EXPECT_EQ(ready[9].events.back().channel, "c199");
    EXPECT_FALSE(batcher.next_due());
}

TEST(Batcher, ClosesABatchWhenItsFirstEventWaitedTheWindow) {
    Batcher batcher(2, milliseconds(250), 20);
    const auto t0 = Batcher::Clock::now();
    std::vector<Batch> ready;
    batcher.add(1, channel_occupied("a"), t0, ready);
    batcher.add(1, channel_occupied("b"), t0 + milliseconds(200), ready);
    batcher.add(0, channel_occupied("x"), t0 + milliseconds(100), ready);
    EXPECT_EQ(batcher.next_due(), t0 + milliseconds(250));
    batcher.take_due(t0 + milliseconds(249), ready);
    EXPECT_TRUE(ready.empty());
    batcher.take_due(t0 + milliseconds(250), ready);
    ASSERT_EQ(ready.size(), 1U);
    EXPECT_EQ(ready[0].target, 1U);
    EXPECT_EQ(ready[0].events.size(), 2U);
    batcher.take_all(ready);
    ASSERT_EQ(ready.size(), 2U);
    EXPECT_EQ(ready[1].target, 0U);
}

TEST(Batcher, MaxOfOneSendsEveryEventAlone) {
    Batcher batcher(1, milliseconds(250), 1);
    std::vector<Batch> ready;
    batcher.add(0, channel_occupied("a"), Batcher::Clock::now(), ready);
    EXPECT_EQ(ready.size(), 1U);
}

}  // namespace
}  // namespace herald::webhooks
