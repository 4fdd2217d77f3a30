#include "herald/server/rest_metrics.h"

#include <algorithm>
#include <array>
#include <cstdint>

#include "herald/metrics/family.h"

namespace herald::server {

namespace {

constexpr std::array<const char*, kRestRoutes> kRouteNames = {
        "events",        "batch_events",   "channels", "channel",
        "channel_users", "terminate_user", "other"};

// The statuses the API answers with; anything else (none today) counts as "other".
constexpr std::array<unsigned, 10> kStatuses = {200, 400, 401, 403, 404, 405, 413, 429, 500, 503};
constexpr std::size_t kStatusLabels = kStatuses.size() + 1;
constexpr std::size_t kBucketCells = RestMetrics::kBuckets.size() + 1;

std::size_t status_index(unsigned status) {
    const auto* const it = std::find(kStatuses.begin(), kStatuses.end(), status);
    return static_cast<std::size_t>(it - kStatuses.begin());  // kStatuses.size(): other
}

std::string status_text(std::size_t index) {
    return index < kStatuses.size() ? std::to_string(kStatuses[index]) : "other";
}

}  // namespace

RestMetrics::RestMetrics(std::size_t apps)
    : apps_(apps),
      requests_((apps + 1) * kRestRoutes * kStatusLabels),
      durations_(kRestRoutes * kBucketCells),
      sums_(kRestRoutes) {}

void RestMetrics::observe(std::optional<std::size_t> app, RestRoute route, unsigned status,
                          std::chrono::steady_clock::duration took) noexcept {
    const auto r = static_cast<std::size_t>(route);
    const auto row = app && *app < apps_ ? *app + 1 : 0;
    requests_.add((row * kRestRoutes + r) * kStatusLabels + status_index(status));
    const auto seconds = std::chrono::duration<double>(took).count();
    const auto* const bucket = std::lower_bound(kBuckets.begin(), kBuckets.end(), seconds);
    durations_.add(r * kBucketCells + static_cast<std::size_t>(bucket - kBuckets.begin()));
    sums_.add(r, static_cast<std::uint64_t>(
                         std::chrono::duration_cast<std::chrono::microseconds>(took).count()));
}

std::uint64_t RestMetrics::answered() const noexcept {
    std::uint64_t total = 0;  // each answer went into exactly one duration bucket
    for (std::size_t cell = 0; cell < durations_.size(); ++cell) {
        total += durations_.read(cell);
    }
    return total;
}

std::vector<prometheus::MetricFamily> RestMetrics::families(
        const std::vector<std::pair<std::size_t, std::string>>& live) const {
    auto requests = metrics::family("herald_rest_requests_total",
                                    "REST API requests answered, by app, route and status.",
                                    prometheus::MetricType::Counter);
    const auto add_row = [&](std::size_t row, const std::string& app) {
        for (std::size_t r = 0; r < kRestRoutes; ++r) {
            for (std::size_t s = 0; s < kStatusLabels; ++s) {
                const auto value = requests_.read((row * kRestRoutes + r) * kStatusLabels + s);
                if (value != 0) {  // sparse: few of the combinations ever happen
                    metrics::add_sample(
                            requests,
                            {{"app", app}, {"route", kRouteNames[r]}, {"status", status_text(s)}},
                            static_cast<double>(value));
                }
            }
        }
    };
    add_row(0, "");
    for (const auto& [slot, id] : live) {
        add_row(slot + 1, id);
    }

    auto durations = metrics::family("herald_rest_request_duration_seconds",
                                     "Time to answer a REST API request, by route.",
                                     prometheus::MetricType::Histogram);
    for (std::size_t r = 0; r < kRestRoutes; ++r) {
        std::array<std::uint64_t, kBucketCells> counts{};
        for (std::size_t b = 0; b < kBucketCells; ++b) {
            counts[b] = durations_.read(r * kBucketCells + b);
        }
        metrics::add_histogram(durations, {{"route", kRouteNames[r]}}, kBuckets, counts,
                               static_cast<double>(sums_.read(r)) / 1e6);
    }
    return {std::move(requests), std::move(durations)};
}

}  // namespace herald::server
