// herald/web/server_core.h
//
// What a server shares with each connection still in its first request: options, handlers, the
// TLS context and the per-worker registries. Held by std::shared_ptr so a connection never
// outlives what it uses.
// Owner: immutable once the server starts (registries: each on its worker).
#pragma once

#include <memory>
#include <vector>

#include "herald/net/tls.h"
#include "herald/web/connections.h"
#include "herald/web/server.h"
#include "herald/ws/handshake.h"

namespace herald::web {

struct ServerCore {
    ServerOptions options;
    ws::ServerHandshakeOptions handshake;
    std::shared_ptr<const SessionOptions> session;
    EventStreamOptions event_stream;
    ResponseStreamOptions response_stream;
    net::TlsContextPtr tls;
    Server::WebSocketHandler on_websocket;
    Server::EventStreamHandler on_event_stream;
    Server::EventStreamGate event_stream_gate;
    Server::ResponseStreamHandler on_response_stream;
    Server::ResponseStreamSelector response_stream_selector;
    Server::HttpHandler on_http;
    std::vector<std::shared_ptr<Connections>> registries;  // by worker index
};

}  // namespace herald::web
