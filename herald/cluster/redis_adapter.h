// herald/cluster/redis_adapter.h
//
// The cluster through one Redis (docs/decisions/0004-cluster-over-redis.md): publications over
// Pub/Sub, per-node contributions with leases in Redis structures, cluster-wide transitions decided
// by one Lua script, a view of the other nodes for synchronous answers. Runs on a thread of its
// own (a net::Worker) with two hiredis connections (commands and Pub/Sub); reconnects with backoff
// and re-registers this node's state when Redis returns; meanwhile the server runs as one node.
// Owner: the server. The Adapter methods are thread-safe (they post to the cluster thread).
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "herald/cluster/adapter.h"
#include "herald/cluster/redis_url.h"

namespace herald::cluster {

struct AppCredentials {
    std::string id;
    std::string key;
    std::string secret;
};

struct RedisOptions {
    RedisEndpoint endpoint;
    std::vector<AppCredentials> apps;        // checked against the other nodes' at start
    std::chrono::milliseconds lease{10000};  // a silent node is reaped after this
    std::string prefix = "herald:";          // of every key and Pub/Sub channel
    std::string node_id;                     // empty: random
};

class RedisAdapter final : public Adapter {
public:
    explicit RedisAdapter(RedisOptions options);
    ~RedisAdapter() override;
    RedisAdapter(const RedisAdapter&) = delete;
    RedisAdapter& operator=(const RedisAdapter&) = delete;

    void start(Node& node) override;
    void stop() override;
    // Stops without withdrawing this node's state, as a killed node would (tests).
    void abandon();

    void publish(Event event) override;
    void terminate_user(std::string_view app_id, std::string_view user_id) override;
    void touch(std::string_view app_id, std::string_view channel,
               std::optional<std::string_view> user_id, std::string_view exclude) override;

    [[nodiscard]] bool clustered() const noexcept override;
    [[nodiscard]] const View& view() const noexcept override;

    [[nodiscard]] const std::string& node_id() const noexcept;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace herald::cluster
