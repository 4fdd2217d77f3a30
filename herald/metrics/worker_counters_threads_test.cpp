#include <thread>

#include <gtest/gtest.h>

#include "herald/metrics/worker_counters.h"

namespace herald::metrics {
namespace {

CounterLayout one_family() {
    CounterLayout layout;
    layout.add_counter("a_total", "A.", {{{"app", "1"}}});
    return layout;
}

// Each worker writes its own block while another thread sums: every sum is at most the final
// one and the last equals what was written (the tsan preset checks there is no data race).
TEST(WorkerCounters, SumsWhileWorkersWrite) {
    constexpr std::uint64_t kPerWorker = 100000;
    WorkerCounters counters(one_family(), 2);
    std::thread w0([&] {
        for (std::uint64_t i = 0; i < kPerWorker; ++i) {
            counters.block(0).add(0);
        }
    });
    std::thread w1([&] {
        for (std::uint64_t i = 0; i < kPerWorker; ++i) {
            counters.block(1).add(0);
        }
    });
    std::uint64_t last = 0;
    for (int i = 0; i < 100; ++i) {
        const auto now = counters.sums()[0];
        EXPECT_GE(now, last);
        EXPECT_LE(now, 2 * kPerWorker);
        last = now;
    }
    w0.join();
    w1.join();
    EXPECT_EQ(counters.sums()[0], 2 * kPerWorker);
}

}  // namespace
}  // namespace herald::metrics
