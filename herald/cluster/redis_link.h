// herald/cluster/redis_link.h
//
// One connection to the cluster's Redis master, ready for commands: it finds the master (the
// endpoint's address, or the one its sentinels name, confirmed by ROLE so a replica is never
// taken for it), connects over TCP or TLS (resp_connection.h), authenticates and selects the
// database before it reports up. A master a sentinel names that cannot be reached or is not the
// master moves on to the next sentinel's answer; down comes when every sentinel was asked. It never
// reconnects by itself: the owner decides when (and watches for replies that never come, since a
// stopped Redis keeps the TCP connection open). Owner: the loop's thread; every method is called
// there.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "herald/cluster/redis_url.h"
#include "herald/cluster/resp_connection.h"
#include "herald/net/tls.h"
#include "herald/net/worker.h"

namespace herald::cluster {

class RedisLink {
public:
    struct Handlers {
        std::function<void()> up;                          // ready for commands
        std::function<void(const std::string& why)> down;  // lost, or never came up; once
        std::function<void(const RedisValue&)> push;       // Pub/Sub messages (after subscribe)
    };

    // `tls`: the context for a rediss:// endpoint (redis_tls.h), else nullptr.
    RedisLink(net::Worker& loop, RedisEndpoint endpoint, net::TlsContextPtr tls, Handlers handlers);
    RedisLink(const RedisLink&) = delete;
    RedisLink& operator=(const RedisLink&) = delete;
    ~RedisLink() = default;

    // Starts connecting; `up` or `down` follows.
    void open();
    // Drops the connection at once; pending replies get nullopt; `down` is not called.
    void close();

    [[nodiscard]] bool is_up() const noexcept { return up_; }

    void command(const std::vector<std::string>& args, ReplyHandler done);
    // SUBSCRIBE; every message then reaches Handlers::push.
    void subscribe(const std::vector<std::string>& channels);

private:
    void ask_sentinel(std::size_t index);
    void connect_master(const RedisHost& master);
    void master_failed(const std::string& why);
    void report_down(const std::string& why);

    RedisEndpoint endpoint_;
    net::TlsContextPtr tls_;
    Handlers handlers_;
    RespConnection sentinel_;
    RespConnection master_;
    std::uint64_t attempt_ = 0;          // callbacks of an older open() are dropped
    std::uint64_t sentinel_try_ = 0;     // and those of a sentinel asked before the current one
    std::size_t sentinel_index_ = 0;     // the sentinel whose answer is being tried
    std::string master_address_;         // the master being connected to, for the reasons
    std::vector<std::string> failures_;  // why each sentinel of this attempt did not do
    bool up_ = false;
    bool open_ = false;
};

// The address of a sentinel (`host`) or of a master, with the endpoint's TLS and a timeout.
[[nodiscard]] RespAddress resp_address(const RedisHost& host, const net::TlsContextPtr& tls);

// AUTH with `password` (and `username`), when there is one.
[[nodiscard]] std::optional<std::vector<std::string>> auth_command(
        const std::optional<std::string>& username, const std::optional<std::string>& password);

// Runs `commands` on a new connection of its own (for start-up checks on the main thread, never
// on a worker); throws std::runtime_error when Redis cannot be reached or answers with an error.
std::vector<RedisValue> run_blocking(const RedisEndpoint& endpoint,
                                     const std::vector<std::vector<std::string>>& commands,
                                     std::chrono::milliseconds timeout,
                                     const net::TlsContextPtr& tls = nullptr);

}  // namespace herald::cluster
