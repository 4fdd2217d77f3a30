#include "herald/server/admin_routes.h"

#include <array>
#include <chrono>
#include <memory>
#include <string_view>
#include <utility>
#include <vector>

#include "herald/metrics/family.h"

namespace herald::server {

namespace {

constexpr std::array<std::string_view, 3> kPaths = {"/metrics", "/healthz", "/readyz"};

bool known(std::string_view path) {
    for (const auto p : kPaths) {
        if (p == path) {
            return true;
        }
    }
    return false;
}

}  // namespace

AdminRoutes::AdminRoutes(metrics::Exposition& exposition, Readiness not_ready)
    : exposition_(exposition), not_ready_(std::move(not_ready)) {
    exposition.add(std::make_shared<metrics::CallbackCollectable>([last = last_scrape_ns_] {
        std::vector<prometheus::MetricFamily> out;
        out.push_back(metrics::single(
                "herald_scrape_duration_seconds",
                "Time the previous scrape took to build its text.", prometheus::MetricType::Gauge,
                static_cast<double>(last->load(std::memory_order_relaxed)) / 1e9));
        return out;
    }));
}

http::Response AdminRoutes::answer(const http::Request& request) const {
    auto response = route(request);
    // One request per connection: a scraper or a probe asks once per interval, and no idle
    // connection stays behind on the workers between two asks.
    response.fields.set("Connection", "close");
    return response;
}

http::Response AdminRoutes::route(const http::Request& request) const {
    const auto path = request.path();
    if (!known(path)) {
        return http::text_response(
                404, "Not found: " + std::string(path) + " (try /metrics, /healthz or /readyz)\n");
    }
    if (request.method != "GET") {
        auto response = http::text_response(405, "Method not allowed: use GET\n");
        response.fields.set("Allow", "GET");
        return response;
    }
    if (path == "/healthz") {
        return http::text_response(200, "ok\n");
    }
    if (path == "/readyz") {
        const auto reason = not_ready_();
        return reason ? http::text_response(503, *reason + "\n")
                      : http::text_response(200, "ready\n");
    }
    const auto started = std::chrono::steady_clock::now();
    auto text = exposition_.text();
    const auto took = std::chrono::steady_clock::now() - started;
    last_scrape_ns_->store(std::chrono::duration_cast<std::chrono::nanoseconds>(took).count(),
                           std::memory_order_relaxed);
    auto response = http::text_response(200, std::move(text));
    response.fields.set("Content-Type", std::string(metrics::kContentType));
    return response;
}

}  // namespace herald::server
