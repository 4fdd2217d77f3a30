// herald/server/admin_routes.h
//
// The admin listener's answers (docs/OPERATIONS.md): GET /metrics (the Prometheus text format),
// GET /healthz (200 while the workers answer at all), GET /readyz (200, or 503 with the reason
// this node should get no traffic). Any other path is 404; another method on these paths 405.
// Every answer carries `Connection: close`. The routes add herald_scrape_duration_seconds to the
// exposition: how long the previous GET /metrics took to build its text (0 before the first).
// Owner: the server; answer() runs on any worker.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "herald/http/message.h"
#include "herald/metrics/exposition.h"

namespace herald::server {

class AdminRoutes {
public:
    // Why the node is not ready ("draining", "redis unreachable"), or nothing when it is.
    using Readiness = std::function<std::optional<std::string>()>;

    // Both outlive the routes. Registers the scrape duration's gauge with `exposition` (before
    // its first scrape).
    AdminRoutes(metrics::Exposition& exposition, Readiness not_ready);

    [[nodiscard]] http::Response answer(const http::Request& request) const;

private:
    [[nodiscard]] http::Response route(const http::Request& request) const;

    const metrics::Exposition& exposition_;
    Readiness not_ready_;
    // Nanoseconds the last scrape took to build its text; shared with the gauge's collectable.
    std::shared_ptr<std::atomic<std::int64_t>> last_scrape_ns_ =
            std::make_shared<std::atomic<std::int64_t>>(0);
};

}  // namespace herald::server
