// herald/net/testing.h
//
// Test helpers for code that runs on workers: run a function on a worker and wait for its result,
// and wait (bounded) for a condition. Used by the net and ws_io tests only.
// Owner: the test thread.
#pragma once

#include <chrono>
#include <functional>
#include <future>
#include <thread>
#include <type_traits>
#include <utility>

#include "herald/net/worker.h"

namespace herald::net::testing {

// Runs `fn` on `worker` and returns its result (rethrowing its exception).
template <class Fn>
auto run_on(Worker& worker, Fn&& fn) -> std::invoke_result_t<Fn&> {
    using Result = std::invoke_result_t<Fn&>;
    std::packaged_task<Result()> task(std::forward<Fn>(fn));
    auto result = task.get_future();
    worker.post([&task] { task(); });
    return result.get();
}

// Polls `condition` until it holds or `timeout` passes; returns its last value.
inline bool eventually(const std::function<bool()>& condition,
                       std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!condition()) {
        if (std::chrono::steady_clock::now() > deadline) {
            return condition();
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    return true;
}

}  // namespace herald::net::testing
