// herald/web/client_phase.h
//
// What a client WebSocket needs between connect() and on_open: where to connect, the handshake
// to send and check, and the response parser. Freed once the connection is open.
// Owner: the connection's worker (internal to ws_io).
#pragma once

#include <chrono>
#include <string>

#include "herald/http/parser.h"
#include "herald/net/tls.h"
#include "herald/web/websocket.h"
#include "herald/ws/handshake.h"
#include "herald/ws/peer.h"
#include "herald/ws/url.h"

namespace herald::web {

struct WebSocket::ClientPhase {
    ws::WsUrl url;
    ws::ClientHandshakeOptions handshake;
    ws::PeerOptions peer;  // deflate is filled in from the server's answer
    net::TlsContextPtr tls;
    std::chrono::milliseconds connect_timeout{10000};
    std::chrono::milliseconds handshake_timeout{10000};
    http::ParserLimits limits;
    std::string key;  // the Sec-WebSocket-Key sent
    std::unique_ptr<http::ResponseParser> parser;
    std::string error;  // why the connection failed, for on_error and on_close
};

}  // namespace herald::web
