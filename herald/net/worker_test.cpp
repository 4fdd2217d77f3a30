// herald/net/worker_test.cpp
#include "herald/net/worker.h"

#include <atomic>
#include <stdexcept>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "herald/net/testing.h"
#include "herald/net/worker_pool.h"
#include "herald/util/assert.h"

namespace herald::net {
namespace {

using testing::eventually;
using testing::run_on;

struct CountingTickable : Tickable {
    void on_tick(Clock::time_point) override { ++ticks; }

    std::atomic<int> ticks{0};
};

struct RecordingFlushable : Flushable {
    explicit RecordingFlushable(std::string& log) : log_(log) {}

    void flush() override { log_ += "flush;"; }

    std::string& log_;
};

struct RecordingAbortable : Abortable {
    void abort() override { aborted = true; }

    std::atomic<bool> aborted{false};
};

TEST(Worker, PostRunsOnTheWorkerThread) {
    Worker worker;
    worker.start();
    EXPECT_FALSE(worker.in_worker_thread());
    EXPECT_TRUE(run_on(worker, [&] { return worker.in_worker_thread(); }));
    EXPECT_NE(run_on(worker, [] { return std::this_thread::get_id(); }),
              std::this_thread::get_id());
}

TEST(WorkerDeathTest, ItsListsRefuseAnotherThreadWhileItRuns) {
    if (!util::kAssertions) {
        GTEST_SKIP() << "HERALD_ASSERTIONS is off in this build";
    }
    GTEST_FLAG_SET(death_test_style, "threadsafe");  // the child starts its own worker
    EXPECT_DEATH(
            {
                Worker worker;
                worker.start();
                run_on(worker, [] {});  // the worker's thread has bound itself as the owner
                CountingTickable item;
                worker.add_tickable(item);  // from the test thread
            },
            "invariant broken.*is_current");
}

TEST(Worker, OwnershipPassesToTheThreadThatStopsIt) {
    Worker worker;
    worker.start();
    CountingTickable item;
    run_on(worker, [&] { worker.add_tickable(item); });
    worker.stop();
    EXPECT_TRUE(worker.owner().is_current());
    worker.remove_tickable(item);
}

TEST(Worker, TickCallsRegisteredTickablesUntilRemoved) {
    WorkerOptions options;
    options.tick_interval = std::chrono::milliseconds(5);
    Worker worker(0, options);
    worker.start();
    CountingTickable item;
    run_on(worker, [&] { worker.add_tickable(item); });
    EXPECT_TRUE(eventually([&] { return item.ticks >= 3; }));
    run_on(worker, [&] { worker.remove_tickable(item); });
    const int seen = item.ticks;
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
    EXPECT_EQ(item.ticks, seen);
}

TEST(Worker, DeferredFlushRunsOnceAfterTheCurrentHandler) {
    Worker worker;
    worker.start();
    std::string log;
    RecordingFlushable item(log);
    run_on(worker, [&] {
        worker.defer_flush(item);
        worker.defer_flush(item);
        log += "handler;";
        worker.defer_flush(item);
    });
    // The flush is queued when that handler returns, which may be after run_on() returned:
    // a second round trip is certainly behind it.
    run_on(worker, [] {});
    run_on(worker, [] {});
    EXPECT_EQ(log, "handler;flush;");
}

TEST(Worker, CancelledFlushDoesNotRun) {
    Worker worker;
    worker.start();
    std::string log;
    RecordingFlushable item(log);
    run_on(worker, [&] {
        worker.defer_flush(item);
        worker.cancel_flush(item);
    });
    run_on(worker, [] {});
    run_on(worker, [] {});
    EXPECT_EQ(log, "");
}

TEST(Worker, StopAbortsAttachedObjects) {
    Worker worker;
    worker.start();
    RecordingAbortable item;
    run_on(worker, [&] { worker.attach(item); });
    worker.stop();
    EXPECT_TRUE(item.aborted);
    EXPECT_FALSE(worker.running());
}

TEST(Worker, ExceptionInAHandlerDoesNotStopTheLoop) {
    Worker worker;
    worker.start();
    worker.post([] { throw std::runtime_error("boom"); });
    EXPECT_EQ(run_on(worker, [] { return 42; }), 42);
}

TEST(WorkerPool, RunsEachWorkerOnItsOwnThreadAndRoundRobins) {
    WorkerPool pool(3);
    pool.start();
    ASSERT_EQ(pool.size(), 3U);
    EXPECT_NE(run_on(pool.worker(0), [] { return std::this_thread::get_id(); }),
              run_on(pool.worker(1), [] { return std::this_thread::get_id(); }));
    Worker* first = &pool.next();
    EXPECT_NE(&pool.next(), first);
    EXPECT_NE(&pool.next(), first);
    EXPECT_EQ(&pool.next(), first);
}

}  // namespace
}  // namespace herald::net
