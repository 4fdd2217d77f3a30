// herald/net/timer_test.cpp
#include "herald/net/timer.h"

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "herald/net/testing.h"

namespace herald::net {
namespace {

using namespace std::chrono_literals;
using testing::eventually;
using testing::run_on;

TEST(Timer, RunsOnceOnItsWorkerAndArmingAgainReplacesTheCallback) {
    Worker worker;
    worker.start();
    auto timer = run_on(worker, [&] { return std::make_shared<Timer>(worker); });
    std::atomic<int> first{0};
    std::atomic<int> second{0};
    std::atomic<bool> on_worker{false};
    run_on(worker, [&] {
        timer->arm(10ms, [&] { ++first; });
        timer->arm(20ms, [&] {
            on_worker = worker.in_worker_thread();
            ++second;
        });
    });
    EXPECT_TRUE(eventually([&] { return second.load() == 1; }));
    std::this_thread::sleep_for(50ms);
    EXPECT_EQ(first.load(), 0);
    EXPECT_EQ(second.load(), 1);
    EXPECT_TRUE(on_worker.load());
    run_on(worker, [&] { timer.reset(); });
    worker.stop();
}

TEST(Timer, CancelledCallbackNeverRuns) {
    Worker worker;
    worker.start();
    auto timer = run_on(worker, [&] { return std::make_shared<Timer>(worker); });
    std::atomic<int> fired{0};
    run_on(worker, [&] {
        timer->arm(20ms, [&] { ++fired; });
        timer->cancel();
    });
    std::this_thread::sleep_for(60ms);
    EXPECT_EQ(fired.load(), 0);
    run_on(worker, [&] { timer.reset(); });
    worker.stop();
}

}  // namespace
}  // namespace herald::net
