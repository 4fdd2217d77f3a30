// herald/web/client.h
//
// Outgoing WebSocket connections: connect to a ws:// or wss:// URL, run the opening handshake
// (subprotocols, permessage-deflate, extra fields) and hand back the same WebSocket the server
// side uses. ws::connect() runs on a worker you own; ws::Client brings its own worker thread.
// Owner: connect() on the worker's thread; Client from any thread.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "herald/http/message.h"
#include "herald/http/parser.h"
#include "herald/net/tls.h"
#include "herald/net/worker.h"
#include "herald/web/websocket.h"
#include "herald/ws/deflate.h"

namespace herald::web {

struct ClientOptions {
    std::vector<std::string> subprotocols;               // offered, in order of preference
    ws::DeflateOptions deflate;                          // enabled: offer permessage-deflate
    std::vector<http::Field> headers;                    // extra request fields
    std::string origin;                                  // Origin field, if any
    net::TlsClientOptions tls;                           // wss: verification and trust
    std::chrono::milliseconds connect_timeout{10000};    // resolve + connect + TLS
    std::chrono::milliseconds handshake_timeout{10000};  // request sent to 101 received
    std::size_t max_message_bytes = 16 * 1024 * 1024;
    http::ParserLimits http_limits;
    SessionOptions session;  // queue cap, pings, close timeout
};

// Starts connecting; call on `worker`'s thread and install handlers before returning to the loop.
// The connection is Connecting until on_open; a failure reports on_error, then on_close(1006).
// Throws std::invalid_argument for a URL that is not ws:// or wss://, std::runtime_error for an
// unreadable CA file. `tls` may pass a prepared client context (else one is made for wss).
[[nodiscard]] WebSocketPtr connect(net::Worker& worker, std::string_view url,
                                   const ClientOptions& options = {},
                                   net::TlsContextPtr tls = nullptr);

class Client {
public:
    explicit Client(ClientOptions options = {});
    ~Client();  // stops the worker: connections still open end with on_close(1006)
    Client(const Client&) = delete;
    Client& operator=(const Client&) = delete;

    // Any thread but the client's worker. `setup` runs on the worker before connecting: install
    // the handlers there. Throws like ws::connect().
    WebSocketPtr connect(std::string_view url, const std::function<void(WebSocket&)>& setup = {});

    [[nodiscard]] net::Worker& worker() noexcept { return worker_; }

private:
    ClientOptions options_;
    net::Worker worker_;
    std::once_flag tls_once_;
    net::TlsContextPtr tls_;  // made on the first wss connection, then shared
};

}  // namespace herald::web
