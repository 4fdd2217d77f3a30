// herald/curl/multi.h
//
// Runs many libcurl transfers at once on one thread: a libcurl multi handle, whose connection
// cache keeps connections open between transfers (keep-alive to each server). The caller makes
// and configures each easy handle, add()s it, and calls run() in its loop; run() performs,
// waits in curl_multi_poll for at most the timeout and returns the transfers that finished, each
// already removed and so the caller's again. wakeup(), from any thread, ends a wait early (new
// work to add, a stop). Destroying the Multi removes what still runs; the easy handles stay the
// callers' to clean up.
// Owner: the thread that runs it, except wakeup(), which any thread may call.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <unordered_set>
#include <vector>

#include "herald/util/result.h"

namespace herald::curl {

struct Finished {
    void* easy = nullptr;  // the CURL* given to add()
    int code = 0;          // its CURLcode: 0 (CURLE_OK) when an answer came
};

class Multi {
public:
    // `max_connects`: how many idle connections the cache keeps open; 0 leaves libcurl's default.
    // Throws std::runtime_error when libcurl cannot be initialised or make the multi handle.
    explicit Multi(long max_connects = 0);
    ~Multi();
    Multi(const Multi&) = delete;
    Multi& operator=(const Multi&) = delete;

    // Starts the transfer of `easy` (a CURL*, configured). The error is libcurl's explanation.
    util::Result<void, std::string> add(void* easy);

    // Abandons the transfer of `easy` if it is running.
    void remove(void* easy);

    // Performs what can be done now and returns the transfers that finished; when none did,
    // first waits for activity for at most `timeout` (less after wakeup()).
    [[nodiscard]] std::vector<Finished> run(std::chrono::milliseconds timeout);

    // Makes a run() in progress (or the next one) stop waiting. Thread-safe.
    void wakeup();

    [[nodiscard]] std::size_t running() const noexcept { return easies_.size(); }

private:
    void perform(std::vector<Finished>& finished);

    void* multi_ = nullptr;  // CURLM*, kept out of this header
    std::unordered_set<void*> easies_;
};

}  // namespace herald::curl
