// herald/server/query_thread.cpp
#include "herald/server/query_thread.h"

#include <exception>
#include <utility>

#include <spdlog/spdlog.h>
#include <sys/resource.h>

#include "herald/util/throttle.h"

namespace herald::server {
namespace {

// Nice 10 for this thread only (Linux gives each thread its own nice value): on a busy machine
// the workers' connections go first and a long listing waits.
void lower_priority() {
    static_cast<void>(::setpriority(PRIO_PROCESS, 0, 10));  // best effort
}

}  // namespace

QueryThread::QueryThread(std::size_t max_waiting)
    : max_waiting_(max_waiting), thread_([this] { run(); }) {}

QueryThread::~QueryThread() {
    stop();
}

bool QueryThread::post(std::function<void()> job) {
    {
        const std::lock_guard lock(mutex_);
        if (stopping_ || jobs_.size() >= max_waiting_) {
            return false;
        }
        jobs_.push_back(std::move(job));
    }
    wake_.notify_one();
    return true;
}

void QueryThread::stop() {
    std::deque<std::function<void()>> dropped;
    {
        const std::lock_guard lock(mutex_);
        if (stopping_) {
            return;
        }
        stopping_ = true;
        dropped.swap(jobs_);
    }
    wake_.notify_one();
    if (thread_.joinable()) {
        thread_.join();
    }
    // `dropped` goes here, on the owner's thread: what a job holds is released before the
    // workers stop.
}

void QueryThread::run() {
    lower_priority();
    for (;;) {
        std::function<void()> job;
        {
            std::unique_lock lock(mutex_);
            wake_.wait(lock, [&] { return stopping_ || !jobs_.empty(); });
            if (stopping_) {
                return;
            }
            job = std::move(jobs_.front());
            jobs_.pop_front();
        }
        try {
            job();
        } catch (const std::exception& e) {
            static util::Throttle log;
            util::log_throttled(log, [&](const std::string& note) {
                spdlog::error("REST query failed: {}{}", e.what(), note);
            });
        }
    }
}

}  // namespace herald::server
