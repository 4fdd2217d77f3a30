// herald/webhooks/pipeline.h
//
// What the webhook thread does, one turn at a time and without a thread of its own: it applies
// the grace delay (GraceFilter), routes each event to the app's targets that want it, batches per
// target (Batcher), signs each batch once, writes it to the spool and queues it on the lane of its
// URL. Each lane has one request in flight at a time, so every receiver sees its webhooks in the
// order they were made (and so in order per channel); a failed request is retried with backoff and
// jitter until the retry window has passed, then written to the dead-letter file. A receiver that
// is slow or down delays only its own lane. The occupancy journal remembers which channels and
// members were announced; what it still holds at open() was left unretracted by a crash and goes
// through the grace delay as channel_vacated / member_removed, so a channel reoccupied meanwhile
// sends nothing.
// Time, chance and the network come in from outside (Clocks, Transport), so a test steps it turn
// by turn; the Dispatcher is the thread that drives it in the server.
// Owner: the webhook thread (or a test); routed() and counters() from any thread.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "herald/util/throttle.h"
#include "herald/webhooks/app_counters.h"
#include "herald/webhooks/batcher.h"
#include "herald/webhooks/clocks.h"
#include "herald/webhooks/dead_letters.h"
#include "herald/webhooks/event.h"
#include "herald/webhooks/grace.h"
#include "herald/webhooks/occupancy_journal.h"
#include "herald/webhooks/outbound.h"
#include "herald/webhooks/settings.h"
#include "herald/webhooks/spool.h"
#include "herald/webhooks/target.h"
#include "herald/webhooks/transport.h"

namespace herald::webhooks {

// Counted in events, except `retried` and `requests` (HTTP attempts), the per-app counts
// (requests) and the spool's bytes.
struct Counters {
    std::atomic<std::uint64_t> sent{0};         // delivered with a 2xx answer
    std::atomic<std::uint64_t> retried{0};      // attempts that failed and were scheduled again
    std::atomic<std::uint64_t> failed{0};       // given up after the retry window: dead letters
    std::atomic<std::uint64_t> dropped{0};      // refused: the spool bound or the inbox was full
    std::atomic<std::uint64_t> requests{0};     // attempts started
    std::atomic<std::uint64_t> queued{0};       // now: events in requests waiting for delivery
    std::atomic<std::uint64_t> spool_bytes{0};  // now: the spool's records of those requests
    AppCounters apps;                           // attempts and dead letters by app id
};

// What became of one attempt, for whoever watches deliveries (the dashboard's console).
struct Delivery {
    enum class Result : std::uint8_t {
        Sent,          // a 2xx answer
        Failed,        // this attempt failed; retried later
        DeadLettered,  // given up: written to the dead letters
    };
    Result result = Result::Sent;
    const Outbound& request;
    std::string_view error;  // Failed and DeadLettered: why
};

// Called on the webhook thread; must be quick.
using DeliveryObserver = std::function<void(const Delivery&)>;

class Pipeline {
public:
    // `apps` in the order of the server's app indices (AppEvent::app).
    Pipeline(Settings settings, std::vector<AppHooks> apps, Transport& transport, Clocks clocks);
    Pipeline(const Pipeline&) = delete;
    Pipeline& operator=(const Pipeline&) = delete;

    // Opens the spool and queues the requests it holds, in the order they were made; opens the
    // occupancy journal and holds a removal for each entry it still holds, as if its channel or
    // member had just been left. Throws std::runtime_error.
    void open();

    // Whether events of `app` go anywhere. Any thread: fixed at construction.
    [[nodiscard]] bool routed(std::size_t app) const noexcept;

    // One turn: takes the events of `inbox` (leaving it empty), releases the held removals and
    // closes the batches that are due (all of them once `stopping`), starts the requests that are
    // due, then waits on the transport until something completes, the next delay ends or
    // wakeup() is called, and handles what completed. Returns false, without waiting, when the
    // thread should end: `stopping` and nothing is queued or `shutdown_flush` has passed since
    // the first turn with `stopping`.
    bool step(std::vector<AppEvent>& inbox, bool stopping);

    // Events waiting in the lanes (in flight included).
    [[nodiscard]] std::size_t queued_events() const;

    // Logs the counters and what is left, once the last step() returned false.
    void log_stopped() const;

    [[nodiscard]] Counters& counters() noexcept { return counters_; }

    // How many apps (indices) the pipeline was built for.
    [[nodiscard]] std::size_t apps() const noexcept { return apps_.size(); }

    // New targets and credentials for the same app indices: the batches open now go out with
    // the old ones (enqueued at once), then events route by the new ones. Queued requests keep
    // their URL and signature.
    void replace_apps(std::vector<AppHooks> apps);

    [[nodiscard]] const Counters& counters() const noexcept { return counters_; }

    // Before the first step().
    void observe(DeliveryObserver observer) { observer_ = std::move(observer); }

private:
    void report(Delivery::Result result, const Outbound& request, std::string_view error = {}) {
        if (observer_) {
            observer_(Delivery{result, request, error});
        }
    }

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

    void turn(bool stopping, std::vector<AppEvent>& inbox, Clock::time_point now);
    void recover(OccupancyJournal::Replay& replay);
    void journal(const std::vector<AppEvent>& announced, Clock::time_point now);
    [[nodiscard]] bool retractable(const AppEvent& addition) const;
    [[nodiscard]] std::optional<std::size_t> app_with_id(const std::string& id) const;
    void route(std::vector<AppEvent>& events, Clock::time_point now);
    void enqueue(Batch& batch);
    void start_due(Clock::time_point now);
    void complete(const Completion& completion, Clock::time_point now);
    void retire(Lane& lane, std::string_view why);
    void push(Lane& lane, Outbound request);
    void pop(Lane& lane);
    void measure_spool();
    [[nodiscard]] bool expired(const Outbound& request, std::int64_t now_ms) const;
    [[nodiscard]] Clock::time_point next_wake(Clock::time_point now) const;
    [[nodiscard]] bool idle() const;
    std::size_t lane_for(const std::string& url);
    void build_routes();

    Settings settings_;
    std::vector<AppHooks> apps_;
    Transport& transport_;
    Clocks clocks_;
    std::vector<Route> routes_;
    std::vector<std::vector<std::size_t>> routes_by_app_;
    std::vector<std::unique_ptr<Lane>> lanes_;
    std::unordered_map<std::string, std::size_t> lane_by_url_;
    std::unordered_map<std::uint64_t, std::size_t> lane_in_flight_;  // request id -> lane
    GraceFilter grace_;
    Batcher batcher_;
    Spool spool_;
    OccupancyJournal journal_;
    std::vector<AppEvent> recovered_;  // from the journal, into the grace filter at the first turn
    DeadLetters dead_letters_;
    DeliveryObserver observer_;
    Counters counters_;
    util::Throttle drop_log_;                    // a full spool drops every request until it drains
    std::optional<Clock::time_point> deadline_;  // of the shutdown flush
};

}  // namespace herald::webhooks
