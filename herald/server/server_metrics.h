// herald/server/server_metrics.h
//
// What the Pusher server counts, per app: connections opened and closed (by close code),
// client messages received (by kind) and messages sent. Each worker counts into its own
// metrics::CounterBlock through ConnectionCounters (an add, no lock and no locked
// read-modify-write per message); a scrape sums the blocks. The open-connection gauge is read from
// the per-app counts the server keeps for its connection quota.
// Owner: the ServerContext; each ConnectionCounters is used on its worker's thread only.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#include "herald/metrics/counter_block.h"
#include "herald/metrics/exposition.h"
#include "herald/metrics/worker_counters.h"
#include "herald/server/app.h"

namespace herald::server {

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

// The `code` label of herald_connections_closed_total for a close code: the code itself when it
// is one of RFC 6455 or of the Pusher protocol, "none" when the connection ended without one
// (1005, 1006), "other" for any other code a client chose (so that clients cannot create series).
[[nodiscard]] std::string close_code_label(std::uint16_t code);

// Where each series lives in a worker's block.
struct CounterSlots {
    std::size_t opened = 0;    // + app
    std::size_t closed = 0;    // + app * codes + code index
    std::size_t received = 0;  // + app * kMessageKinds + kind
    std::size_t sent = 0;      // + app
};

class ConnectionCounters {
public:
    ConnectionCounters(metrics::CounterBlock& block, const CounterSlots& slots)
        : block_(&block), slots_(&slots) {}

    void opened(std::size_t app) noexcept { block_->add(slots_->opened + app); }

    void closed(std::size_t app, std::uint16_t code) noexcept;

    void received(std::size_t app, MessageKind kind) noexcept {
        block_->add(slots_->received + app * kMessageKinds + static_cast<std::size_t>(kind));
    }

    void sent(std::size_t app) noexcept { block_->add(slots_->sent + app); }

private:
    metrics::CounterBlock* block_;
    const CounterSlots* slots_;
};

class ServerMetrics {
public:
    // `connections`: the open connections per app index, which outlive this.
    ServerMetrics(const AppRegistry& apps, std::size_t workers,
                  const std::vector<std::atomic<std::size_t>>& connections);
    ServerMetrics(const ServerMetrics&) = delete;  // counters point into it
    ServerMetrics& operator=(const ServerMetrics&) = delete;

    [[nodiscard]] ConnectionCounters counters(std::size_t worker);

    // Every family of the server, the process's own and herald_build_info included.
    [[nodiscard]] const metrics::Exposition& exposition() const noexcept { return exposition_; }

    // Adds the families of another part of the server (webhooks, the cluster); before the first
    // scrape.
    void add(std::shared_ptr<const prometheus::Collectable> source) {
        exposition_.add(std::move(source));
    }

private:
    CounterSlots slots_;
    std::shared_ptr<metrics::WorkerCounters> counters_;
    metrics::Exposition exposition_;
};

}  // namespace herald::server
