// herald/net/timer.h
//
// A one-shot timer on a worker's loop, for code above net that must not see Asio (the layer table
// keeps it out of their headers). Arming again replaces the pending callback; a cancelled or
// replaced callback never runs.
// Owner: the worker it was made for (arm and cancel on that thread).
#pragma once

#include <chrono>
#include <functional>
#include <memory>

#include "herald/net/worker.h"

namespace herald::net {

class Timer {
public:
    explicit Timer(Worker& worker);
    ~Timer();
    Timer(const Timer&) = delete;
    Timer& operator=(const Timer&) = delete;

    // Runs `fn` on the worker after `delay`.
    void arm(std::chrono::milliseconds delay, std::function<void()> fn);

    void cancel();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace herald::net
