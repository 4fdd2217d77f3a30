#include "herald/metrics/counter_block.h"

#include <gtest/gtest.h>

#include "herald/metrics/worker_counters.h"

namespace herald::metrics {
namespace {

TEST(CounterBlock, StartsAtZeroAndAdds) {
    CounterBlock block(3);
    EXPECT_EQ(block.size(), 3U);
    block.add(1);
    block.add(1, 4);
    block.add(2);
    EXPECT_EQ(block.read(0), 0U);
    EXPECT_EQ(block.read(1), 5U);
    EXPECT_EQ(block.read(2), 1U);
}

CounterLayout two_families() {
    CounterLayout layout;
    EXPECT_EQ(layout.add_counter("a_total", "A.", {{{"app", "1"}}, {{"app", "2"}}}), 0U);
    EXPECT_EQ(layout.add_counter("b_total", "B.", {{{"app", "1"}, {"kind", "x"}}}), 2U);
    return layout;
}

TEST(WorkerCounters, SumsEverySlotOverTheWorkers) {
    WorkerCounters counters(two_families(), 3);
    counters.block(0).add(0, 2);
    counters.block(1).add(0, 3);
    counters.block(2).add(1);
    counters.block(2).add(2, 7);
    EXPECT_EQ(counters.sums(), (std::vector<std::uint64_t>{5, 1, 7}));

    const auto families = counters.Collect();
    ASSERT_EQ(families.size(), 2U);
    EXPECT_EQ(families[0].name, "a_total");
    EXPECT_EQ(families[0].type, prometheus::MetricType::Counter);
    ASSERT_EQ(families[0].metric.size(), 2U);
    EXPECT_EQ(families[0].metric[0].label[0].value, "1");
    EXPECT_EQ(families[0].metric[0].counter.value, 5.0);
    EXPECT_EQ(families[0].metric[1].counter.value, 1.0);
    ASSERT_EQ(families[1].metric.size(), 1U);
    EXPECT_EQ(families[1].metric[0].label[1].value, "x");
    EXPECT_EQ(families[1].metric[0].counter.value, 7.0);
}

TEST(WorkerCounters, ASparseFamilyShowsOnlyWhatIsNotZero) {
    CounterLayout layout;
    layout.add_counter("c_total", "C.", {{{"code", "1000"}}, {{"code", "4200"}}}, true);
    WorkerCounters counters(std::move(layout), 2);
    EXPECT_TRUE(counters.Collect()[0].metric.empty());
    counters.block(1).add(1);
    const auto families = counters.Collect();
    ASSERT_EQ(families[0].metric.size(), 1U);
    EXPECT_EQ(families[0].metric[0].label[0].value, "4200");
}

}  // namespace
}  // namespace herald::metrics
