// herald/sdk/async_http.h
//
// Non-blocking requests: one background thread runs a libcurl multi driver (herald/curl's Multi:
// keep-alive connections shared by all its transfers). submit() only queues the request and wakes
// the thread; `done` runs later on that thread with the outcome. Destroying an AsyncHttp stops the
// thread and completes every unfinished request with an error, so no callback is lost.
// Owner: the client. submit() is thread-safe; never destroy the AsyncHttp from inside a `done`.
#pragma once

#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "herald/curl/multi.h"
#include "herald/sdk/http_transfer.h"

namespace herald::sdk {

class AsyncHttp {
public:
    using Done = std::function<void(HttpResult)>;

    explicit AsyncHttp(HttpSettings settings);
    ~AsyncHttp();
    AsyncHttp(const AsyncHttp&) = delete;
    AsyncHttp& operator=(const AsyncHttp&) = delete;

    void submit(SignedRequest request, Done done);

private:
    struct Job;

    void run();
    void start_queued();
    void finish(const curl::Finished& finished);
    void abandon_all();

    HttpSettings settings_;
    curl::Multi multi_;  // run by the background thread only (wakeup() from any)
    std::mutex mutex_;
    std::deque<std::unique_ptr<Job>> queued_;                  // guarded by mutex_
    bool stopping_ = false;                                    // guarded by mutex_
    std::unordered_map<void*, std::unique_ptr<Job>> running_;  // by CURL*; background thread only
    std::thread thread_;
};

}  // namespace herald::sdk
