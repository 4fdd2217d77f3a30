#include "herald/server/stats_history.h"

#include <gtest/gtest.h>

namespace herald::server {
namespace {

TEST(StatsHistory, CountersBecomeRatesSinceTheStartThenSinceThePreviousRecord) {
    StatsHistory history;
    EXPECT_TRUE(history.samples().empty());
    EXPECT_FALSE(history.latest());
    history.record(100, 2.0, StatsTotals{5, 1000, 10, 3, 0});  // what came before the first tick
    history.record(102, 2.0, StatsTotals{7, 1400, 30, 7, 4});
    const auto samples = history.samples();
    ASSERT_EQ(samples.size(), 2U);
    EXPECT_EQ(samples[0], (StatsSample{100, 5, 500, 5, 2, 0}));
    EXPECT_EQ(samples[1], (StatsSample{102, 7, 200, 10, 2, 4}));
    EXPECT_EQ(history.latest(), samples[1]);
}

TEST(StatsHistory, KeepsFifteenMinutesOfSamples) {
    StatsHistory history;
    for (std::int64_t t = 0; t <= static_cast<std::int64_t>(StatsHistory::kSamples) + 10; ++t) {
        history.record(t, 1.0, StatsTotals{1, static_cast<std::uint64_t>(t), 0, 0, 0});
    }
    const auto samples = history.samples();
    ASSERT_EQ(samples.size(), StatsHistory::kSamples);
    EXPECT_EQ(samples.front().time, 11);
    EXPECT_EQ(samples.back().time, static_cast<std::int64_t>(StatsHistory::kSamples) + 10);
    EXPECT_EQ(samples.back().sent, 1U);
}

TEST(StatsHistory, AResetCounterGivesZeroNotAHugeRate) {
    StatsHistory history;
    history.record(1, 1.0, StatsTotals{0, 500, 0, 0, 0});
    history.record(2, 1.0, StatsTotals{0, 100, 0, 0, 0});
    EXPECT_EQ(history.latest()->sent, 0U);
}

TEST(StatsHistory, WritesTheChartsJsonAndTheStreamEvent) {
    StatsHistory history;
    history.record(1, 1.0, StatsTotals{});
    history.record(2, 1.0, StatsTotals{3, 4, 5, 6, 7});
    EXPECT_EQ(history.json(),
              R"({"interval_seconds":1,"times":[1,2],"series":{"connections":[0,3],"sent":[0,4],)"
              R"("received":[0,5],"rest":[0,6],"webhook_queue":[0,7]}})");
    EXPECT_EQ(stats_event_json(*history.latest()),
              R"({"time":2,"connections":3,"sent":4,"received":5,"rest":6,"webhook_queue":7})");
}

}  // namespace
}  // namespace herald::server
