// herald/webhooks/settings.h
//
// How webhooks are gathered and delivered, for every app of a server: batching (§9.5), the grace
// delay of channel_vacated/member_removed (§9.4), request timeout and retries (§9.2), the spool
// that keeps undelivered webhooks across restarts (with the occupancy journal beside it) and the
// dead-letter file for what expired.
// Owner: plain data, copied into the dispatcher at start.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>

namespace herald::webhooks {

using std::chrono::milliseconds;

struct Settings {
    milliseconds batch_window{250};  // an event waits at most this long for others
    std::size_t batch_max_events = 20;
    milliseconds grace{3000};  // channel_vacated / member_removed wait this long (§9.4)
    milliseconds cache_miss_interval{5000};  // at most one cache_miss per channel per interval
    milliseconds request_timeout{4000};      // no 2xx within it: the attempt failed
    milliseconds retry_window{300000};       // then the webhook goes to the dead-letter file
    milliseconds retry_initial{1000};        // first backoff; doubles up to retry_max
    milliseconds retry_max{60000};
    milliseconds shutdown_flush{2000};  // at stop, how long to keep delivering what is queued
    std::string spool_path = "herald-webhooks.spool";  // empty: undelivered webhooks in memory only
    std::size_t spool_max_bytes = 64 * 1024 * 1024;
    std::string dead_letter_path = "herald-webhooks.dead";  // empty: expired webhooks only logged
    // Keep the occupancy journal beside the spool (occupancy_journal.h). Not a configuration key:
    // the server turns it off in a cluster, whose leases retract a crashed node's share.
    bool occupancy_journal = true;

    friend bool operator==(const Settings&, const Settings&) = default;
};

// Where the occupancy journal is kept: "<spool_path>.occupancy", or "" (off) without a spool file
// or when `occupancy_journal` is off.
[[nodiscard]] inline std::string occupancy_journal_path(const Settings& settings) {
    if (settings.spool_path.empty() || !settings.occupancy_journal) {
        return {};
    }
    return settings.spool_path + ".occupancy";
}

}  // namespace herald::webhooks
