#include "herald/server/server_metrics.h"

#include <algorithm>
#include <string>
#include <utility>

#include "herald/metrics/family.h"
#include "herald/metrics/process.h"
#include "herald/server/hub.h"

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
constexpr std::array<const char*, kEventSources> kSourceNames = {"rest", "client", "cluster"};
constexpr std::array<const char*, kRefusalReasons> kReasonNames = {
        "path",   "unknown_app",   "app_disabled", "tls_only", "protocol",
        "origin", "address_limit", "app_limit",    "draining"};

using Live = std::vector<std::pair<std::size_t, std::string>>;
using Family = prometheus::MetricFamily;

Family counter(const char* name, const char* help) {
    return metrics::family(name, help, prometheus::MetricType::Counter);
}

Family gauge(const char* name, const char* help) {
    return metrics::family(name, help, prometheus::MetricType::Gauge);
}

// One series per live app: read(slot).
template <class Read>
Family per_app(Family family, const Live& live, Read read) {
    for (const auto& [slot, id] : live) {
        metrics::add_sample(family, {{"app", id}}, static_cast<double>(read(slot)));
    }
    return family;
}

// One series per live app and value of `label`: read(slot, value index). Sparse families leave
// out the series that are zero.
template <class Read>
Family per_app_and(Family family, const Live& live, const char* label, std::size_t values,
                   std::string (*text)(std::size_t), Read read, bool sparse = false) {
    for (const auto& [slot, id] : live) {
        for (std::size_t i = 0; i < values; ++i) {
            const auto value = read(slot, i);
            if (!sparse || value != 0) {
                metrics::add_sample(family, {{"app", id}, {label, text(i)}},
                                    static_cast<double>(value));
            }
        }
    }
    return family;
}

std::string kind_text(std::size_t index) {
    return kKindNames[index];
}

std::string source_text(std::size_t index) {
    return kSourceNames[index];
}

std::string type_text(std::size_t index) {
    return std::string(channel_type_name(static_cast<ChannelType>(index)));
}

}  // namespace

RefusalReason refusal_reason(pusher::ErrorCode code) noexcept {
    using pusher::ErrorCode;
    switch (code) {
        case ErrorCode::PathNotFound:
            return RefusalReason::Path;
        case ErrorCode::ApplicationDoesNotExist:
            return RefusalReason::UnknownApp;
        case ErrorCode::ApplicationDisabled:
            return RefusalReason::AppDisabled;
        case ErrorCode::SslOnly:
            return RefusalReason::TlsOnly;
        case ErrorCode::ConnectionUnauthorized:
            return RefusalReason::Origin;
        default:
            return RefusalReason::Protocol;
    }
}

std::string close_code_label(std::uint16_t code) {
    return code_text(code_index(code));
}

void ConnectionCounters::closed(std::size_t app, std::uint16_t code) noexcept {
    block_->add(slots_->closed + app * kCodeLabels + code_index(code));
}

ServerMetrics::Traffic ServerMetrics::traffic() const {
    const auto sums = counters_->sums();
    const auto n = apps_.capacity();
    Traffic traffic;
    for (std::size_t app = 0; app < n; ++app) {
        traffic.sent += sums[slots_.sent + app];
        for (std::size_t kind = 0; kind < kMessageKinds; ++kind) {
            traffic.received += sums[slots_.received + app * kMessageKinds + kind];
        }
    }
    return traffic;
}

ServerMetrics::ServerMetrics(const AppRegistry& apps, std::size_t workers,
                             const std::vector<std::atomic<std::size_t>>& connections,
                             const Hub& hub)
    : apps_(apps),
      refused_(kRefusalReasons),
      reloads_(2),
      rest_(std::make_shared<RestMetrics>(apps.capacity())) {
    const auto n = apps.capacity();
    metrics::CounterLayout layout;
    slots_.opened = layout.reserve(n);
    slots_.closed = layout.reserve(n * kCodeLabels);
    slots_.received = layout.reserve(n * kMessageKinds);
    slots_.sent = layout.reserve(n);
    slots_.bytes_received = layout.reserve(n);
    slots_.bytes_sent = layout.reserve(n);
    slots_.slow_dropped = layout.reserve(n);
    counters_ = std::make_shared<metrics::WorkerCounters>(std::move(layout), workers);

    exposition_.add(std::make_shared<metrics::CallbackCollectable>([this, &connections, &hub] {
        const auto live = apps_.live_slots();
        const auto sums = counters_->sums();
        const auto at = [&sums](std::size_t base) {
            return [&sums, base](std::size_t slot) {
                return sums[base + slot];
            };
        };
        const auto at_2d = [&sums](std::size_t base, std::size_t width) {
            return [&sums, base, width](std::size_t slot, std::size_t i) {
                return sums[base + slot * width + i];
            };
        };
        std::vector<Family> out;
        out.push_back(per_app(gauge("herald_connections", "Open connections."), live,
                              [&connections](std::size_t slot) {
                                  return connections[slot].load(std::memory_order_relaxed);
                              }));
        out.push_back(per_app(counter("herald_connections_opened_total",
                                      "WebSocket connections accepted (after the handshake)."),
                              live, at(slots_.opened)));
        out.push_back(per_app_and(
                counter("herald_connections_closed_total",
                        "Accepted connections that ended, by close code (none: dropped without "
                        "one)."),
                live, "code", kCodeLabels, code_text, at_2d(slots_.closed, kCodeLabels), true));
        out.push_back(per_app_and(counter("herald_messages_received_total",
                                          "Messages received from clients, by kind."),
                                  live, "kind", kMessageKinds, kind_text,
                                  at_2d(slots_.received, kMessageKinds)));
        out.push_back(per_app(counter("herald_messages_sent_total", "Messages written to clients."),
                              live, at(slots_.sent)));
        out.push_back(per_app(counter("herald_bytes_received_total",
                                      "Payload bytes of the messages received from clients."),
                              live, at(slots_.bytes_received)));
        out.push_back(per_app(counter("herald_bytes_sent_total",
                                      "Payload bytes of the messages written to clients."),
                              live, at(slots_.bytes_sent)));
        out.push_back(per_app(counter("herald_slow_consumers_dropped_total",
                                      "Connections closed (4100) because they did not read what "
                                      "was sent to them fast enough."),
                              live, at(slots_.slow_dropped)));
        out.push_back(
                per_app_and(gauge("herald_channels", "Occupied channels, by type."), live, "type",
                            kChannelTypes, type_text, [&hub](std::size_t slot, std::size_t type) {
                                return hub.occupied_channels(slot, static_cast<ChannelType>(type));
                            }));
        out.push_back(per_app(gauge("herald_presence_members",
                                    "Members of presence channels, one per user and channel."),
                              live,
                              [&hub](std::size_t slot) { return hub.presence_members(slot); }));
        out.push_back(per_app_and(counter("herald_events_published_total",
                                          "Events published, by where they came from."),
                                  live, "source", kEventSources, source_text,
                                  [&hub](std::size_t slot, std::size_t source) {
                                      return hub.events_published(slot,
                                                                  static_cast<EventSource>(source));
                                  }));
        auto refused = counter("herald_handshakes_refused_total",
                               "WebSocket handshakes refused, by reason.");
        for (std::size_t i = 0; i < kRefusalReasons; ++i) {
            metrics::add_sample(refused, {{"reason", kReasonNames[i]}},
                                static_cast<double>(refused_.read(i)));
        }
        out.push_back(std::move(refused));
        auto reloads = counter("herald_config_reloads_total", "Configuration reloads, by result.");
        metrics::add_sample(reloads, {{"result", "ok"}}, static_cast<double>(reloads_.read(0)));
        metrics::add_sample(reloads, {{"result", "failed"}}, static_cast<double>(reloads_.read(1)));
        out.push_back(std::move(reloads));
        for (auto& family : rest_->families(live)) {
            out.push_back(std::move(family));
        }
        return out;
    }));
    exposition_.add(std::make_shared<metrics::ProcessMetrics>(HERALD_VERSION));
}

ConnectionCounters ServerMetrics::counters(std::size_t worker) {
    return ConnectionCounters(counters_->block(worker), slots_);
}

void ServerMetrics::refused(RefusalReason reason) noexcept {
    refused_.add(static_cast<std::size_t>(reason));
}

void ServerMetrics::reloaded(bool ok) noexcept {
    reloads_.add(ok ? 0 : 1);
}

}  // namespace herald::server
