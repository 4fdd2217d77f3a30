// herald/server/server_metrics.h
//
// What the Pusher server counts, per app: connections opened and closed (by close code), client
// messages received (by kind), messages sent, payload bytes both ways and connections dropped as
// slow consumers (counted per worker: ConnectionCounters); handshakes refused (by reason) and
// configuration reloads (shared counters); the REST API's requests (RestMetrics); and, read from
// the hub when scraped, open connections, occupied channels (by type), presence members and
// events published (by source).
//
// Per-message counts cost an add: each worker counts into its own metrics::CounterBlock (no lock,
// no locked read-modify-write) and a scrape sums the blocks. Counts that are per publication,
// handshake or reload, not per delivered message, take a relaxed fetch_add on a shared counter.
// Per-app series live in the app's slot (AppRegistry) and are labelled when scraped, so apps
// added or removed by a reload appear and disappear with their series.
// Owner: the ServerContext; each ConnectionCounters is used on its worker's thread only.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "herald/metrics/counter_block.h"
#include "herald/metrics/exposition.h"
#include "herald/metrics/worker_counters.h"
#include "herald/pusher/error_code.h"
#include "herald/server/app.h"
#include "herald/server/rest_metrics.h"
#include "herald/server/shared_counters.h"

namespace herald::server {

class Hub;

// herald_messages_received_total's `kind`.
enum class MessageKind : std::uint8_t {
    Subscribe,
    Unsubscribe,
    ClientEvent,
    Ping,
    Signin,
    Other,  // pongs, unknown events, malformed or binary frames
};

inline constexpr std::size_t kMessageKinds = 6;

// herald_handshakes_refused_total's `reason`.
enum class RefusalReason : std::uint8_t {
    Path,          // not [prefix]/app/{key}
    UnknownApp,    // 4001
    AppDisabled,   // 4003
    TlsOnly,       // 4000
    Protocol,      // 4006, 4007, 4008: no or an unsupported protocol version
    Origin,        // 4009: the Origin is not allowed
    AddressLimit,  // 4100: max_connections_per_ip
    AppLimit,      // 4004: the app's max_connections
    Draining,      // 4200: the server is stopping
};

inline constexpr std::size_t kRefusalReasons = 9;

// The reason a connection refused with `code` is counted under.
[[nodiscard]] RefusalReason refusal_reason(pusher::ErrorCode code) noexcept;

// The `code` label of herald_connections_closed_total for a close code: the code itself when it
// is one of RFC 6455 or of the Pusher protocol, "none" when the connection ended without one
// (1005, 1006), "other" for any other code a client chose (so that clients cannot create series).
[[nodiscard]] std::string close_code_label(std::uint16_t code);

// Where each series lives in a worker's block.
struct CounterSlots {
    std::size_t opened = 0;          // + app
    std::size_t closed = 0;          // + app * codes + code index
    std::size_t received = 0;        // + app * kMessageKinds + kind
    std::size_t sent = 0;            // + app
    std::size_t bytes_received = 0;  // + app
    std::size_t bytes_sent = 0;      // + app
    std::size_t slow_dropped = 0;    // + app
};

class ConnectionCounters {
public:
    ConnectionCounters(metrics::CounterBlock& block, const CounterSlots& slots)
        : block_(&block), slots_(&slots) {}

    void opened(std::size_t app) noexcept { block_->add(slots_->opened + app); }

    void closed(std::size_t app, std::uint16_t code) noexcept;

    void received(std::size_t app, MessageKind kind, std::size_t bytes) noexcept {
        block_->add(slots_->received + app * kMessageKinds + static_cast<std::size_t>(kind));
        block_->add(slots_->bytes_received + app, bytes);
    }

    void sent(std::size_t app, std::size_t bytes) noexcept {
        block_->add(slots_->sent + app);
        block_->add(slots_->bytes_sent + app, bytes);
    }

    void slow_consumer_dropped(std::size_t app) noexcept {
        block_->add(slots_->slow_dropped + app);
    }

private:
    metrics::CounterBlock* block_;
    const CounterSlots* slots_;
};

class ServerMetrics {
public:
    // `connections`: the open connections per app slot; `hub`: occupied channels and presence
    // members. Both outlive this.
    ServerMetrics(const AppRegistry& apps, std::size_t workers,
                  const std::vector<std::atomic<std::size_t>>& connections, const Hub& hub);
    ServerMetrics(const ServerMetrics&) = delete;  // counters point into it
    ServerMetrics& operator=(const ServerMetrics&) = delete;

    [[nodiscard]] ConnectionCounters counters(std::size_t worker);

    // Any thread.
    void refused(RefusalReason reason) noexcept;
    void reloaded(bool ok) noexcept;

    [[nodiscard]] RestMetrics& rest() noexcept { return *rest_; }

    // Messages written to and received from clients so far, every app together. Any thread.
    struct Traffic {
        std::uint64_t sent = 0;
        std::uint64_t received = 0;
    };

    [[nodiscard]] Traffic traffic() const;

    // Every family of the server, the process's own and herald_build_info included.
    [[nodiscard]] const metrics::Exposition& exposition() const noexcept { return exposition_; }

    [[nodiscard]] metrics::Exposition& exposition() noexcept { return exposition_; }

    // Adds the families of another part of the server (webhooks, the cluster); before the first
    // scrape.
    void add(std::shared_ptr<const prometheus::Collectable> source) {
        exposition_.add(std::move(source));
    }

private:
    const AppRegistry& apps_;
    CounterSlots slots_;
    std::shared_ptr<metrics::WorkerCounters> counters_;
    SharedCounters refused_;  // reason
    SharedCounters reloads_;  // 0 ok, 1 failed
    std::shared_ptr<RestMetrics> rest_;
    metrics::Exposition exposition_;
};

}  // namespace herald::server
