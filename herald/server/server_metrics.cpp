#include "herald/server/server_metrics.h"

#include <algorithm>
#include <string>
#include <utility>

#include "herald/metrics/process.h"

namespace herald::server {

namespace {

using metrics::Labels;

// The close codes counted under their own label, sorted: RFC 6455's that a close frame may carry,
// then the Pusher protocol's close codes (protocol.md §5.3).
constexpr std::array<std::uint16_t, 25> kCodes = {
        1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 4000,
        4001, 4003, 4004, 4005, 4006, 4007, 4008, 4009, 4100, 4200, 4201, 4202};
constexpr std::size_t kNone = kCodes.size();
constexpr std::size_t kOther = kCodes.size() + 1;
constexpr std::size_t kCodeLabels = kCodes.size() + 2;

std::size_t code_index(std::uint16_t code) {
    if (code == 0 || code == 1005 || code == 1006) {
        return kNone;
    }
    const auto* const it = std::lower_bound(kCodes.begin(), kCodes.end(), code);
    return it != kCodes.end() && *it == code ? static_cast<std::size_t>(it - kCodes.begin())
                                             : kOther;
}

std::string code_text(std::size_t index) {
    if (index == kNone) {
        return "none";
    }
    return index == kOther ? "other" : std::to_string(kCodes[index]);
}

constexpr std::array<const char*, kMessageKinds> kKindNames = {
        "subscribe", "unsubscribe", "client_event", "ping", "signin", "other"};

std::vector<Labels> per_app(const AppRegistry& apps) {
    std::vector<Labels> series;
    for (const auto& app : apps.apps()) {
        series.push_back({{"app", app.id}});
    }
    return series;
}

std::vector<Labels> per_app_and(const AppRegistry& apps, const char* name, std::size_t values,
                                std::string (*text)(std::size_t)) {
    std::vector<Labels> series;
    for (const auto& app : apps.apps()) {
        for (std::size_t i = 0; i < values; ++i) {
            series.push_back({{"app", app.id}, {name, text(i)}});
        }
    }
    return series;
}

std::string kind_text(std::size_t index) {
    return kKindNames[index];
}

}  // namespace

std::string close_code_label(std::uint16_t code) {
    return code_text(code_index(code));
}

void ConnectionCounters::closed(std::size_t app, std::uint16_t code) noexcept {
    block_->add(slots_->closed + app * kCodeLabels + code_index(code));
}

ServerMetrics::ServerMetrics(const AppRegistry& apps, std::size_t workers,
                             const std::vector<std::atomic<std::size_t>>& connections) {
    metrics::CounterLayout layout;
    slots_.opened = layout.add_counter("herald_connections_opened_total",
                                       "WebSocket connections accepted (after the handshake).",
                                       per_app(apps));
    slots_.closed = layout.add_counter(
            "herald_connections_closed_total",
            "Accepted connections that ended, by close code (none: dropped without one).",
            per_app_and(apps, "code", kCodeLabels, code_text), true);
    slots_.received = layout.add_counter("herald_messages_received_total",
                                         "Messages received from clients, by kind.",
                                         per_app_and(apps, "kind", kMessageKinds, kind_text));
    slots_.sent = layout.add_counter("herald_messages_sent_total", "Messages written to clients.",
                                     per_app(apps));
    counters_ = std::make_shared<metrics::WorkerCounters>(std::move(layout), workers);

    const auto* registry = &apps;
    const auto* open = &connections;
    exposition_.add(std::make_shared<metrics::CallbackCollectable>([registry, open] {
        auto gauge = metrics::family("herald_connections", "Open connections.",
                                     prometheus::MetricType::Gauge);
        for (std::size_t i = 0; i < registry->apps().size(); ++i) {
            metrics::add_sample(gauge, {{"app", registry->apps()[i].id}},
                                static_cast<double>((*open)[i].load(std::memory_order_relaxed)));
        }
        return std::vector<prometheus::MetricFamily>{std::move(gauge)};
    }));
    exposition_.add(counters_);
    exposition_.add(std::make_shared<metrics::ProcessMetrics>(HERALD_VERSION));
}

ConnectionCounters ServerMetrics::counters(std::size_t worker) {
    return ConnectionCounters(counters_->block(worker), slots_);
}

}  // namespace herald::server
