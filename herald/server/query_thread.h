// herald/server/query_thread.h
//
// A thread of its own for the REST queries whose answer grows with the app (GET /channels walks
// every channel, sorts them and writes them out): run on a worker, one such query would hold up
// every connection of that worker, pings included. Jobs run one at a time in arrival order, at a
// lower CPU priority than the workers. The queue is bounded: past `max_waiting` jobs post()
// refuses, and the caller answers 503 instead of piling up work.
// Owner: the server. post() may be called from any thread; stop() from the owner, before the
// workers the jobs answer to stop (jobs still waiting are dropped unanswered then).
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

namespace herald::server {

class QueryThread {
public:
    explicit QueryThread(std::size_t max_waiting = 64);
    ~QueryThread();
    QueryThread(const QueryThread&) = delete;
    QueryThread& operator=(const QueryThread&) = delete;

    // False when the queue is full or the thread stopped: the job is not run.
    [[nodiscard]] bool post(std::function<void()> job);

    // Lets the running job finish, drops the waiting ones, joins. Idempotent.
    void stop();

private:
    void run();

    const std::size_t max_waiting_;
    std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<std::function<void()>> jobs_;
    bool stopping_ = false;
    std::thread thread_;  // last: starts once the rest exists
};

}  // namespace herald::server
