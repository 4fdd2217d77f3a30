// herald/server/stats_history.h
//
// The dashboard's live charts (docs/OPERATIONS.md, "Admin API"): one sample a second of the
// node's connections, messages sent and received per second, REST requests per second and
// webhook events waiting, kept for the last 15 minutes. The server records a sample from its
// running totals once per tick; the admin API reads the whole history and each console stream
// the latest sample.
// Owner: the server; record() on one worker, the readers on any thread (a mutex).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace herald::server {

// The node's running totals at one moment: counters since the start, gauges now.
struct StatsTotals {
    std::uint64_t connections = 0;    // gauge
    std::uint64_t sent = 0;           // messages written to clients
    std::uint64_t received = 0;       // messages received from clients
    std::uint64_t rest = 0;           // REST requests answered
    std::uint64_t webhook_queue = 0;  // gauge: webhook events waiting
};

struct StatsSample {
    std::int64_t time = 0;  // Unix seconds
    std::uint64_t connections = 0;
    std::uint64_t sent = 0;      // per second since the previous sample
    std::uint64_t received = 0;  // per second
    std::uint64_t rest = 0;      // per second
    std::uint64_t webhook_queue = 0;

    friend bool operator==(const StatsSample&, const StatsSample&) = default;
};

class StatsHistory {
public:
    static constexpr std::size_t kSamples = 900;  // 15 minutes at 1 s

    using Clock = std::chrono::steady_clock;

    // Counters start at 0 at `start` (the process's start).
    explicit StatsHistory(Clock::time_point start = Clock::now()) : previous_at_(start) {}

    // A sample at Unix second `time` from `totals` taken at `now`: counters become rates over
    // the time since the previous sample (the first: since the start). At most one sample per
    // second: a record in a second that has one already is ignored, and what it saw counts in
    // the next.
    void record(std::int64_t time, Clock::time_point now, const StatsTotals& totals);

    [[nodiscard]] std::vector<StatsSample> samples() const;  // oldest first
    [[nodiscard]] std::optional<StatsSample> latest() const;

    // {"interval_seconds":1,"times":[...],"series":{"connections":[...],...}}
    [[nodiscard]] std::string json() const;

private:
    mutable std::mutex mutex_;
    std::deque<StatsSample> samples_;
    StatsTotals previous_;
    Clock::time_point previous_at_;
};

// One sample as the console stream's `stats` event: {"time":...,"connections":...,...}.
[[nodiscard]] std::string stats_event_json(const StatsSample& sample);

}  // namespace herald::server
