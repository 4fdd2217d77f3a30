// herald/web/server.h
//
// A WebSocket and Server-Sent Events server over net: it accepts TCP or TLS on every worker, reads
// the first HTTP request under the handshake timeout and routes it: an upgrade request becomes a
// WebSocket (on_websocket), a request accepting text/event-stream an EventStream
// (on_event_stream), anything else goes to on_http (404 by default). Each worker keeps a registry
// of its connections so a ws::Broadcast is queued on all of them without locks (post_each_worker).
// Owner: the thread that creates it; handlers run on the workers (so they must be thread-safe
// with respect to whatever they share).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "herald/http/message.h"
#include "herald/http/parser.h"
#include "herald/net/listener.h"
#include "herald/net/socket.h"
#include "herald/net/tls.h"
#include "herald/net/worker_pool.h"
#include "herald/web/connections.h"
#include "herald/web/event_stream.h"
#include "herald/web/responder.h"
#include "herald/web/response_stream.h"
#include "herald/web/websocket.h"
#include "herald/ws/broadcast.h"
#include "herald/ws/deflate.h"

namespace herald::web {

struct ServerOptions {
    std::string host = "127.0.0.1";
    std::uint16_t port = 0;   // 0: any free port (see Server::port())
    std::size_t threads = 1;  // workers of the server's own pool; 0: one per hardware thread
    std::optional<net::TlsServerOptions> tls;            // set: every connection is TLS
    std::chrono::milliseconds handshake_timeout{10000};  // a request's first byte to its end
    std::chrono::milliseconds http_idle_timeout{75000};  // keep-alive: between two requests
    std::size_t max_pipelined_responses = 32;            // answers unsent before reading stops
    std::chrono::milliseconds idle_timeout{0};           // nothing received: close (0: never)
    std::chrono::milliseconds ping_interval{30000};      // quiet this long: ping (0: never)
    std::chrono::milliseconds pong_timeout{10000};       // ... and close if nothing comes back
    std::chrono::milliseconds close_timeout{5000};       // wait this long for a close handshake
    std::chrono::milliseconds tick_interval{1000};       // timeout granularity (own pool only)
    std::size_t max_message_bytes = 16 * 1024 * 1024;
    std::size_t max_queued_bytes = 16 * 1024 * 1024;  // queued memory per connection; over: dropped
    std::uint16_t overflow_close_code = 1008;
    std::vector<std::string> subprotocols;
    // The opening request's fields a WebSocket keeps for header() and headers() once open (names,
    // case-insensitive); unset: every field. A browser's request carries half a kilobyte of
    // fields (cookies, languages ...) that a server reading none of them need not keep for days.
    std::optional<std::vector<std::string>> kept_request_fields;
    ws::DeflateOptions deflate;
    http::ParserLimits http_limits;
    std::chrono::milliseconds event_stream_keepalive{15000};
    int backlog = 1024;
};

struct ServerCore;  // shared with the connections in their first request (server_core.h)

class Server {
public:
    using WebSocketHandler = std::function<void(const WebSocketPtr&)>;
    using EventStreamHandler = std::function<void(const EventStreamPtr&)>;
    // Decides before an event stream opens: a response answers the request as plain HTTP
    // instead (401, 404 ...); nothing lets the stream open.
    using EventStreamGate = std::function<std::optional<http::Response>(const http::Request&)>;
    // A response written as it goes (response_stream.h), for the requests the selector picks.
    using ResponseStreamHandler =
            std::function<void(const ResponseStreamPtr&, const http::Request&)>;
    using ResponseStreamSelector = std::function<bool(const http::Request&)>;
    // Answers now (returns the response) or later: takes later.defer() and returns nullopt.
    using HttpHandler =
            std::function<std::optional<http::Response>(const http::Request&, Deferral& later)>;
    using ImmediateHttpHandler = std::function<http::Response(const http::Request&)>;

    // With its own pool of options.threads workers.
    explicit Server(ServerOptions options);
    // On a pool owned by the caller, which must outlive the server's connections.
    Server(ServerOptions options, net::WorkerPool& pool);
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    // Set before start(). on_websocket runs on the connection's worker before on_open: install the
    // connection's handlers there. Without it, upgrade requests get 404.
    void on_websocket(WebSocketHandler handler);
    // Without it, event-stream requests go to on_http. With a gate, the gate sees each such
    // request first.
    void on_event_stream(EventStreamHandler handler, EventStreamGate gate = {});
    // The requests `selects` picks become a ResponseStream handed to `handler` (before it
    // starts: set its head's fields there); the others go on as before.
    void on_response_stream(ResponseStreamHandler handler, ResponseStreamSelector selects);
    void on_http(HttpHandler handler);
    void on_http(ImmediateHttpHandler handler);  // every request answered at once

    // Binds and starts accepting; throws std::runtime_error (address in use, bad TLS files ...).
    void start();

    // Stops accepting, closes every WebSocket with 1001 and every event or response stream,
    // waits up to `grace` for them to finish, then stops the own pool. Idempotent.
    void stop(std::chrono::milliseconds grace = std::chrono::milliseconds(1000));

    [[nodiscard]] std::uint16_t port() const noexcept;

    [[nodiscard]] net::WorkerPool& pool() noexcept { return *pool_; }

    // Runs fn(Connections&) on every worker with that worker's connections (any thread).
    void post_each_worker(std::function<void(Connections&)> fn);

    // Queues `message` on every open WebSocket (one shared frame; flushed at the end of the turn).
    void post_broadcast(ws::BroadcastPtr message);

    // Open WebSockets and event streams on all workers (any thread; a snapshot).
    [[nodiscard]] std::size_t websocket_count() const noexcept;
    [[nodiscard]] std::size_t event_stream_count() const noexcept;
    [[nodiscard]] std::size_t response_stream_count() const noexcept;

private:
    void accept(net::Worker& worker, net::Socket socket);

    std::unique_ptr<net::WorkerPool> own_pool_;
    net::WorkerPool* pool_;
    std::shared_ptr<ServerCore> core_;
    std::unique_ptr<net::Listener> listener_;
    bool started_ = false;
    bool stopped_ = false;
};

}  // namespace herald::web
