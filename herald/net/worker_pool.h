// herald/net/worker_pool.h
//
// N workers, one thread each (one per core by default). Connections are spread over them by the
// kernel (one listening socket per worker, see listener.h) or round-robin for outgoing ones.
// Owner: the thread that creates it; workers are reached through post().
#pragma once

#include <atomic>
#include <cstddef>
#include <memory>
#include <vector>

#include "herald/net/worker.h"

namespace herald::net {

class WorkerPool {
public:
    // threads == 0 means one per hardware thread.
    explicit WorkerPool(std::size_t threads = 0, WorkerOptions options = {});
    ~WorkerPool();
    WorkerPool(const WorkerPool&) = delete;
    WorkerPool& operator=(const WorkerPool&) = delete;

    void start();
    void stop();  // idempotent; never from a worker thread

    [[nodiscard]] std::size_t size() const noexcept { return workers_.size(); }

    [[nodiscard]] Worker& worker(std::size_t index) { return *workers_.at(index); }

    // The next worker in round-robin order (any thread).
    [[nodiscard]] Worker& next();

    template <class Fn>
    void for_each(Fn&& fn) {
        for (auto& worker : workers_) {
            fn(*worker);
        }
    }

private:
    std::vector<std::unique_ptr<Worker>> workers_;
    std::atomic<std::size_t> next_{0};
    bool started_ = false;
};

}  // namespace herald::net
