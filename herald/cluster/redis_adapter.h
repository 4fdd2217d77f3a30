// herald/cluster/redis_adapter.h
//
// The cluster through one Redis (docs/decisions/0004-cluster-over-redis.md): publications over
// Pub/Sub, per-node contributions with leases in Redis structures, cluster-wide transitions decided
// by one Lua script, a view of the other nodes for synchronous answers. Runs on a thread of its
// own (a net::Worker) with two connections (commands and Pub/Sub, over TCP or TLS); reconnects with
// backoff and re-registers this node's state when Redis returns; meanwhile the server runs as one
// node.
// Owner: the server. The Adapter methods are thread-safe (they post to the cluster thread).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "herald/cluster/adapter.h"
#include "herald/cluster/app_check.h"
#include "herald/cluster/node_status.h"
#include "herald/cluster/redis_tls.h"
#include "herald/cluster/redis_url.h"

namespace herald::cluster {

struct RedisOptions {
    RedisEndpoint endpoint;
    RedisTlsFiles tls_files;                 // with a rediss:// endpoint
    std::vector<AppCredentials> apps;        // checked against the other nodes' (app_check.h)
    std::chrono::milliseconds lease{10000};  // a silent node is reaped after this
    std::string prefix = "herald:";          // of every key and Pub/Sub channel
    std::string node_id;                     // empty: random
    // This node's open connections, read on the cluster thread at registration and at every
    // heartbeat (a quarter lease) and published for node_statuses(); must not block. Unset: 0.
    std::function<std::uint64_t()> connections;
    // Called on the cluster thread when another node enters (joined) or leaves the lease set:
    // found by comparing two reads of it (every quarter lease) while this node stays in the
    // cluster. The first read after this node (re)joins is not news: nodes it finds then, or no
    // longer finds, are not reported. Must not block, nor stop this adapter.
    std::function<void(std::string_view node, bool joined)> on_node_change;
};

class RedisAdapter final : public Adapter {
public:
    // Throws std::runtime_error when a TLS file cannot be loaded.
    explicit RedisAdapter(RedisOptions options);
    ~RedisAdapter() override;
    RedisAdapter(const RedisAdapter&) = delete;
    RedisAdapter& operator=(const RedisAdapter&) = delete;

    // Throws std::runtime_error when Redis answers and the apps differ from the cluster's. When
    // Redis does not answer it starts all the same, alone, and joins when Redis does.
    void start(Node& node) override;
    void stop() override;
    // Stops without withdrawing this node's state, as a killed node would (tests).
    void abandon();

    void publish(Event event) override;
    void terminate_user(std::string_view app_id, std::string_view user_id) override;
    void touch(std::string_view app_id, std::string_view channel,
               std::optional<std::string_view> user_id, std::string_view exclude,
               bool told) override;
    [[nodiscard]] bool member_elsewhere(std::string_view app_id, std::string_view channel,
                                        std::string_view user_id) const override;

    [[nodiscard]] bool clustered() const noexcept override;
    [[nodiscard]] const View& view() const noexcept override;

    [[nodiscard]] const std::string& node_id() const noexcept;

    // Why Redis answers but this node stays out of the cluster (its apps' credentials differ
    // from the cluster's: the message says what to do), or nothing. Any thread.
    [[nodiscard]] std::optional<std::string> refusal() const;

    // Nodes holding a lease in Redis, this one included, as last seen in the cluster. Any thread.
    [[nodiscard]] std::size_t nodes() const noexcept;
    // The same nodes, sorted by id: the connections each reported at its last heartbeat and the
    // time since that heartbeat by Redis's clock (node_status.h). Read at registration and after
    // every heartbeat; while Redis is away, as last seen before. Any thread.
    [[nodiscard]] std::vector<NodeStatus> node_statuses() const;

    struct Traffic {
        std::uint64_t in = 0;   // publications and terminations received from other nodes
        std::uint64_t out = 0;  // published by this node
    };

    [[nodiscard]] Traffic traffic() const noexcept;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace herald::cluster
