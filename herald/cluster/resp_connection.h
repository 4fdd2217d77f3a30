// herald/cluster/resp_connection.h
//
// One connection to a Redis server (or a Sentinel) carried over net's streams, so plain TCP and
// TLS take the same path: hiredis only builds the commands (redisFormatCommandArgv) and parses
// the replies (its reader); the bytes travel on a net::Stream on the worker's loop. Replies are
// matched to commands in order; once subscribed, every reply no command waits for is a push.
// It never reconnects by itself and knows nothing of AUTH or SELECT (RedisLink does).
// Owner: the loop's thread; every method is called there.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "herald/net/tls.h"
#include "herald/net/worker.h"

namespace herald::cluster {

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

// nullopt: the connection dropped before the reply came.
using ReplyHandler = std::function<void(std::optional<RedisValue>)>;

// Where to connect: an address, and TLS when `tls` is set (`host` is then the name sent in SNI
// and checked against the certificate when the context verifies).
struct RespAddress {
    std::string host;
    std::uint16_t port = 0;
    net::TlsContextPtr tls;
    std::chrono::milliseconds timeout{2000};  // resolve, connect and TLS handshake
};

struct RespConnectionState;

class RespConnection {
public:
    struct Handlers {
        std::function<void()> connected;                   // ready for commands
        std::function<void(const std::string& why)> down;  // lost, or never connected; once
        std::function<void(const RedisValue&)> push;       // after subscribe()
    };

    RespConnection(net::Worker& loop, Handlers handlers);
    ~RespConnection();
    RespConnection(const RespConnection&) = delete;
    RespConnection& operator=(const RespConnection&) = delete;

    // Starts connecting (dropping any previous connection); `connected` or `down` follows, never
    // from inside open().
    void open(const RespAddress& address);
    // Drops the connection at once; pending replies get nullopt; `down` is not called.
    void close();

    [[nodiscard]] bool is_connected() const noexcept;

    // Queued until the connection is made; nullopt at once when there is none.
    void command(const std::vector<std::string>& args, ReplyHandler done);
    // SUBSCRIBE; its confirmations and every message then reach Handlers::push.
    void subscribe(const std::vector<std::string>& channels);

private:
    net::Worker& loop_;
    Handlers handlers_;
    std::shared_ptr<RespConnectionState> state_;
};

}  // namespace herald::cluster
