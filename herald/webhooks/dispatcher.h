// herald/webhooks/dispatcher.h
//
// The webhook thread. Workers post events (post(), any thread: a short lock and, when the inbox
// was empty, a wakeup); the thread applies the grace delay (GraceFilter), routes each event to
// the app's targets that want it, batches per target (Batcher), signs each batch once, writes it
// to the spool and queues it on the lane of its URL. Each lane has one request in flight at a time
// through libcurl's multi interface, so every receiver sees its webhooks in the order they were
// made (and so in order per channel); a failed request is retried with backoff and jitter until
// the retry window has passed, then written to the dead-letter file. A receiver that is slow or
// down delays only its own lane, never the workers.
// Owner: the server (start/stop from the thread that runs it); post() from any thread.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "herald/util/random.h"
#include "herald/webhooks/batcher.h"
#include "herald/webhooks/curl_transport.h"
#include "herald/webhooks/dead_letters.h"
#include "herald/webhooks/event.h"
#include "herald/webhooks/grace.h"
#include "herald/webhooks/settings.h"
#include "herald/webhooks/spool.h"
#include "herald/webhooks/target.h"

namespace herald::webhooks {

// Counted in events, except `retried` and `requests` (HTTP attempts).
struct Counters {
    std::atomic<std::uint64_t> sent{0};      // delivered with a 2xx answer
    std::atomic<std::uint64_t> retried{0};   // attempts that failed and were scheduled again
    std::atomic<std::uint64_t> failed{0};    // given up after the retry window: dead letters
    std::atomic<std::uint64_t> dropped{0};   // refused: the spool bound or the inbox was full
    std::atomic<std::uint64_t> requests{0};  // attempts started
};

class Dispatcher {
public:
    // `apps` in the order of the server's app indices (post()'s `app`).
    Dispatcher(Settings settings, std::vector<AppHooks> apps);
    ~Dispatcher();
    Dispatcher(const Dispatcher&) = delete;
    Dispatcher& operator=(const Dispatcher&) = delete;

    // Opens the spool, queues what it holds, and starts the thread. Throws std::runtime_error.
    void start();

    // Hands an event of app `app` to the thread. Any thread; never blocks on delivery.
    void post(std::size_t app, Event event);

    // Releases held removals, closes open batches, keeps delivering for at most
    // `shutdown_flush`, then ends the thread; what is undelivered stays in the spool. Idempotent.
    void stop();

    [[nodiscard]] const Counters& counters() const noexcept { return counters_; }

private:
    struct Route {
        std::size_t app = 0;
        const Target* target = nullptr;
        std::size_t lane = 0;
    };

    struct Lane {
        std::string url;
        std::deque<Outbound> queue;
        bool in_flight = false;
        bool failing = false;  // logged once per outage
        std::string last_error;
    };

    void run();
    void turn(bool stopping, std::vector<AppEvent>& inbox);
    void route(std::vector<AppEvent>& events, Clock::time_point now);
    void enqueue(Batch& batch);
    void start_due(Clock::time_point now);
    void complete(const Completion& completion, Clock::time_point now);
    void retire(Lane& lane, std::string_view why);
    [[nodiscard]] bool expired(const Outbound& request, std::int64_t now_ms) const;
    [[nodiscard]] Clock::time_point next_wake(Clock::time_point now) const;
    [[nodiscard]] bool idle() const;
    std::size_t lane_for(const std::string& url);

    Settings settings_;
    std::vector<AppHooks> apps_;
    std::vector<Route> routes_;
    std::vector<std::vector<std::size_t>> routes_by_app_;
    std::vector<std::unique_ptr<Lane>> lanes_;
    std::unordered_map<std::string, std::size_t> lane_by_url_;
    std::unordered_map<std::uint64_t, std::size_t> lane_in_flight_;  // request id -> lane
    GraceFilter grace_;
    Batcher batcher_;
    Spool spool_;
    DeadLetters dead_letters_;
    CurlTransport transport_;
    Counters counters_;
    util::FastRandom random_;  // backoff jitter

    std::mutex mutex_;
    std::vector<AppEvent> inbox_;  // guarded by mutex_
    bool stopping_ = false;        // guarded by mutex_
    bool running_ = false;
    std::thread thread_;
};

}  // namespace herald::webhooks
