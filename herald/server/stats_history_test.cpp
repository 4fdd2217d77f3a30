#include "herald/server/stats_history.h"

#include <gtest/gtest.h>

namespace herald::server {
namespace {

using Clock = StatsHistory::Clock;
using std::chrono::milliseconds;
using std::chrono::seconds;

const Clock::time_point kStart = Clock::now();

TEST(StatsHistory, CountersBecomeRatesSinceTheStartThenSinceThePreviousSample) {
    StatsHistory history(kStart);
    EXPECT_TRUE(history.samples().empty());
    EXPECT_FALSE(history.latest());
    history.record(100, kStart + seconds(2), StatsTotals{5, 1000, 10, 3, 0});
    history.record(102, kStart + seconds(4), StatsTotals{7, 1400, 30, 7, 4});
    const auto samples = history.samples();
    ASSERT_EQ(samples.size(), 2U);
    EXPECT_EQ(samples[0], (StatsSample{100, 5, 500, 5, 2, 0}));  // since the start
    EXPECT_EQ(samples[1], (StatsSample{102, 7, 200, 10, 2, 4}));
    EXPECT_EQ(history.latest(), samples[1]);
}

TEST(StatsHistory, ASecondRecordInTheSameSecondCountsInTheNextSample) {
    StatsHistory history(kStart);
    history.record(10, kStart + milliseconds(1000), StatsTotals{0, 100, 0, 0, 0});
    history.record(10, kStart + milliseconds(1900), StatsTotals{0, 900, 0, 0, 0});  // ignored
    history.record(11, kStart + milliseconds(2000), StatsTotals{0, 1100, 0, 0, 0});
    const auto samples = history.samples();
    ASSERT_EQ(samples.size(), 2U);
    EXPECT_EQ(samples[0].sent, 100U);
    EXPECT_EQ(samples[1].time, 11);
    EXPECT_EQ(samples[1].sent, 1000U);  // all that came since the sample before
}

TEST(StatsHistory, KeepsFifteenMinutesOfSamples) {
    StatsHistory history(kStart);
    const auto last = static_cast<std::int64_t>(StatsHistory::kSamples) + 10;
    for (std::int64_t t = 0; t <= last; ++t) {
        history.record(t, kStart + seconds(t + 1),
                       StatsTotals{1, static_cast<std::uint64_t>(t), 0, 0, 0});
    }
    const auto samples = history.samples();
    ASSERT_EQ(samples.size(), StatsHistory::kSamples);
    EXPECT_EQ(samples.front().time, 11);
    EXPECT_EQ(samples.back().time, last);
    EXPECT_EQ(samples.back().sent, 1U);
}

TEST(StatsHistory, AResetCounterGivesZeroNotAHugeRate) {
    StatsHistory history(kStart);
    history.record(1, kStart + seconds(1), StatsTotals{0, 500, 0, 0, 0});
    history.record(2, kStart + seconds(2), StatsTotals{0, 100, 0, 0, 0});
    EXPECT_EQ(history.latest()->sent, 0U);
}

TEST(StatsHistory, WritesTheChartsJsonAndTheStreamEvent) {
    StatsHistory history(kStart);
    history.record(1, kStart + seconds(1), StatsTotals{});
    history.record(2, kStart + seconds(2), StatsTotals{3, 4, 5, 6, 7});
    EXPECT_EQ(history.json(),
              R"({"interval_seconds":1,"times":[1,2],"series":{"connections":[0,3],"sent":[0,4],)"
              R"("received":[0,5],"rest":[0,6],"webhook_queue":[0,7]}})");
    EXPECT_EQ(stats_event_json(*history.latest()),
              R"({"time":2,"connections":3,"sent":4,"received":5,"rest":6,"webhook_queue":7})");
}

}  // namespace
}  // namespace herald::server
