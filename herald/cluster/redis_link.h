// herald/cluster/redis_link.h
//
// One Redis connection through hiredis' asynchronous API, driven by a net::Worker's event loop
// (hiredis 0.14 offers five hooks: add/del read, add/del write, cleanup; Asio waits on the socket
// for it). The link authenticates and selects the database before it reports up. It never
// reconnects by itself: the owner decides when (and watches for replies that never come, since a
// stopped Redis keeps the TCP connection open).
// Owner: the loop's thread; every method is called there.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "herald/cluster/redis_url.h"
#include "herald/net/worker.h"

namespace herald::cluster {

struct RedisLinkState;

struct RedisValue {
    enum class Type : std::uint8_t {
        Nil,
        Integer,
        String,
        Array,
        Status,
        Error
    };

    Type type = Type::Nil;
    long long integer = 0;
    std::string text;  // String, Status, Error
    std::vector<RedisValue> elements;

    [[nodiscard]] bool is_error() const noexcept { return type == Type::Error; }
};

// nullopt: the link dropped before the reply came.
using ReplyHandler = std::function<void(std::optional<RedisValue>)>;

class RedisLink {
public:
    struct Handlers {
        std::function<void()> up;                          // ready for commands
        std::function<void(const std::string& why)> down;  // lost, or never came up; once
        std::function<void(const RedisValue&)> push;       // Pub/Sub messages (after subscribe)
    };

    RedisLink(net::Worker& loop, RedisEndpoint endpoint, Handlers handlers);
    ~RedisLink();
    RedisLink(const RedisLink&) = delete;
    RedisLink& operator=(const RedisLink&) = delete;

    // Starts connecting; `up` or `down` follows.
    void open();
    // Drops the connection at once; pending replies get nullopt; `down` is not called.
    void close();

    [[nodiscard]] bool is_up() const noexcept;

    void command(const std::vector<std::string>& args, ReplyHandler done);
    // SUBSCRIBE; every message then reaches Handlers::push.
    void subscribe(const std::vector<std::string>& channels);

private:
    std::shared_ptr<RedisLinkState> state_;
};

// Runs `commands` on a new blocking connection (for start-up checks on the main thread, never on
// a worker); throws std::runtime_error when Redis cannot be reached or answers with an error.
std::vector<RedisValue> run_blocking(const RedisEndpoint& endpoint,
                                     const std::vector<std::vector<std::string>>& commands,
                                     std::chrono::milliseconds timeout);

}  // namespace herald::cluster
