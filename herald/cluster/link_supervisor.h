// herald/cluster/link_supervisor.h
//
// The cluster's connection to Redis, kept alive. Two RedisLinks are opened together: one for
// commands, one for Pub/Sub on the channels it is given. Once both are up it loads the cluster
// script, subscribes, and asks for this node's registration (Hooks::sync, answered by synced()).
// A watchdog takes both links down when a reply is overdue (a stopped Redis keeps its TCP
// connections open); they are reopened with exponential back-off, and the node runs alone
// meanwhile. With sentinels, the links find the master through them, and a failover they
// announce (+switch-master) takes the links to the new master at once. While up, it renews the
// node's lease every quarter lease (reporting the node's open connections with it), asks for a new
// registration when Redis no longer holds it, and reads the lease set back after each renewal to
// tell which nodes joined and left. Owner: the cluster thread (the net::Worker it is given);
// clustered(), refusal(), nodes() and node_statuses() may be read anywhere.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "herald/cluster/app_check.h"
#include "herald/cluster/cluster_link.h"
#include "herald/cluster/node_status.h"
#include "herald/cluster/redis_link.h"
#include "herald/cluster/redis_url.h"
#include "herald/cluster/sentinel_watch.h"
#include "herald/net/timer.h"
#include "herald/net/worker.h"

namespace herald::cluster {

class LinkSupervisor final : public ClusterLink {
public:
    struct Options {
        RedisEndpoint endpoint;
        std::string prefix;  // of every key the script touches
        std::string node_id;
        std::chrono::milliseconds lease{10000};
        std::vector<std::string> channels;  // subscribed on every connection
        std::vector<AppFingerprint> apps;   // checked on every connection before registering
        net::TlsContextPtr tls;             // for a rediss:// endpoint (redis_tls.h)
    };

    struct Hooks {
        // Register this node's whole state, then call synced().
        std::function<void()> sync;
        // The links went down; `was_up`: the node was in the cluster until now.
        std::function<void(bool was_up)> lost;
        // A Pub/Sub message on one of the channels.
        std::function<void(std::string_view channel, std::string_view payload)> message;
        // This node's open connections, reported at registration and every beat (unset: 0).
        std::function<std::uint64_t()> connections;
        // Another node entered (joined) or left the lease set between two reads of it while
        // this node stayed connected; the first read after each (re)connection reports nothing.
        std::function<void(std::string_view node, bool joined)> node_change;
    };

    LinkSupervisor(net::Worker& loop, Options options, Hooks hooks);
    LinkSupervisor(const LinkSupervisor&) = delete;
    LinkSupervisor& operator=(const LinkSupervisor&) = delete;
    ~LinkSupervisor() override = default;

    // Starts connecting, and retrying until shutdown().
    void start();
    // No reconnection from now on (the node is leaving); the links stay as they are.
    void leave() noexcept;
    // Closes both links at once and stops every timer.
    void shutdown();

    // True while the node is in the cluster; readable from any thread.
    [[nodiscard]] bool clustered() const noexcept;
    // Why Redis answers but the node stays out (its apps differ from the cluster's); any thread.
    [[nodiscard]] std::optional<std::string> refusal() const;

    // Nodes holding a lease in Redis when last asked (at registration and every heartbeat).
    [[nodiscard]] std::size_t nodes() const noexcept { return nodes_.load(); }

    // Those nodes, sorted by id (see NodeStatus); any thread.
    [[nodiscard]] std::vector<NodeStatus> node_statuses() const;

    void command(std::vector<std::string> args, Done done) override;
    void script(std::string_view what, std::vector<std::string> args, Done done) override;
    void defer(std::function<void()> work) override;
    void resync() override;
    void synced() override;
    void fail(const std::string& why) override;
    [[nodiscard]] bool up() const noexcept override;

private:
    using Clock = std::chrono::steady_clock;

    enum class Phase : std::uint8_t {
        Down,
        Connecting,
        Up
    };

    RedisLink::Handlers link_handlers(bool for_sub);
    void connect();
    void link_up();
    void check_apps(std::function<void()> next);
    void refuse(const std::string& why);
    void refresh_nodes();
    void apply_nodes(const RedisValue& reply);
    [[nodiscard]] std::uint64_t connections() const;
    void on_push(const RedisValue& value);
    void on_subscribed();
    void go_down(const std::string& why);
    void master_switched(const std::string& master);
    void tick();
    void arm_tick();
    void beat();

    net::Worker& loop_;
    Options options_;
    Hooks hooks_;
    RedisLink cmd_;
    RedisLink sub_;
    SentinelWatch watch_;  // with sentinels: follows failovers as they are announced
    net::Timer timer_;
    std::atomic<bool> clustered_{false};
    std::atomic<std::size_t> nodes_{0};
    mutable std::mutex nodes_mutex_;
    std::vector<NodeStatus> statuses_;  // guarded by nodes_mutex_; sorted by id
    mutable std::mutex refusal_mutex_;
    std::optional<std::string> refusal_;  // guarded by refusal_mutex_

    Phase phase_ = Phase::Down;
    std::uint64_t generation_ = 0;  // of the connection; replies of older ones are dropped
    int links_up_ = 0;
    std::size_t subscribed_ = 0;
    std::size_t pending_ = 0;  // commands awaiting a reply, for the watchdog
    std::string script_sha_;
    Clock::time_point phase_started_{};
    Clock::time_point last_progress_{};
    Clock::time_point last_beat_{};
    Clock::time_point retry_at_{};
    Clock::time_point up_since_{};
    Clock::time_point reported_at_{};  // of the last "cannot reach Redis" line
    std::size_t attempts_ = 0;         // failed connections since the node was last up
    std::chrono::milliseconds backoff_;
    bool reported_down_ = false;
    bool ever_up_ = false;
    bool statuses_current_ = false;  // statuses_ was read on this connection: diffs are changes
    bool stopping_ = false;
    bool stopped_ = false;
};

}  // namespace herald::cluster
