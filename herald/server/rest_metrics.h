// herald/server/rest_metrics.h
//
// What the REST API counts: requests by app, route and status (herald_rest_requests_total) and
// how long each route took to answer (herald_rest_request_duration_seconds, a histogram). The
// route and status labels have fixed values, and a request that names no known app counts with
// an empty `app`, so no client can create series.
// Owner: ServerMetrics; observe() runs on any thread (workers, the query thread), a relaxed
// fetch_add per counter: REST requests are not the per-message path.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <prometheus/metric_family.h>

#include "herald/server/shared_counters.h"

namespace herald::server {

// herald_rest_requests_total's `route`.
enum class RestRoute : std::uint8_t {
    Events,         // POST /apps/{id}/events
    BatchEvents,    // POST /apps/{id}/batch_events
    Channels,       // GET /apps/{id}/channels
    Channel,        // GET /apps/{id}/channels/{name}
    ChannelUsers,   // GET /apps/{id}/channels/{name}/users
    TerminateUser,  // POST /apps/{id}/users/{id}/terminate_connections
    Other,          // any other path under /apps/
};

inline constexpr std::size_t kRestRoutes = 7;

class RestMetrics {
public:
    // `apps`: the app slots (AppRegistry::capacity()).
    explicit RestMetrics(std::size_t apps);

    // A request was answered. `app`: the slot of the app it named, if that app exists.
    void observe(std::optional<std::size_t> app, RestRoute route, unsigned status,
                 std::chrono::steady_clock::duration took) noexcept;

    // Requests answered so far, of every route and app (the dashboard's chart). Any thread.
    [[nodiscard]] std::uint64_t answered() const noexcept;

    // Both families; `live` gives each app's slot and id.
    [[nodiscard]] std::vector<prometheus::MetricFamily> families(
            const std::vector<std::pair<std::size_t, std::string>>& live) const;

    // The histogram's upper bounds, in seconds.
    static constexpr std::array<double, 12> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                        0.05,   0.1,   0.25,   0.5,   1.0,  2.5};

private:
    std::size_t apps_;
    SharedCounters requests_;   // (app + 1) * routes * statuses + route * statuses + status
    SharedCounters durations_;  // route * (buckets + 1) + bucket (the last: above every bound)
    SharedCounters sums_;       // route: microseconds
};

}  // namespace herald::server
