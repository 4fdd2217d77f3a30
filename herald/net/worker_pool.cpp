// herald/net/worker_pool.cpp
#include "herald/net/worker_pool.h"

#include <algorithm>
#include <thread>

namespace herald::net {

WorkerPool::WorkerPool(std::size_t threads, WorkerOptions options) {
    if (threads == 0) {
        threads = std::max(1U, std::thread::hardware_concurrency());
    }
    workers_.reserve(threads);
    for (std::size_t i = 0; i < threads; ++i) {
        workers_.push_back(std::make_unique<Worker>(i, options));
    }
}

WorkerPool::~WorkerPool() {
    stop();
}

void WorkerPool::start() {
    if (started_) {
        return;
    }
    started_ = true;
    for (auto& worker : workers_) {
        worker->start();
    }
}

void WorkerPool::stop() {
    for (auto& worker : workers_) {
        worker->stop();
    }
}

Worker& WorkerPool::next() {
    return *workers_[next_.fetch_add(1, std::memory_order_relaxed) % workers_.size()];
}

}  // namespace herald::net
