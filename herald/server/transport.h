// herald/server/transport.h
//
// How a Pusher connection reaches its client: text messages, shared broadcast frames and a close.
// The server's are the WebSocket and pusher-js's HTTP sessions (fallback_session.h); tests and
// the fuzz target record instead.
// Owner: its Connection, on the connection's worker.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "herald/ws/broadcast.h"

namespace herald::server {

// Who is at the other end, for the dashboard's console: read only while a console watches.
struct PeerInfo {
    std::string remote_address;
    std::string user_agent;
    std::string client;    // pusher-js's `client=` query parameter ("js", "node" ...)
    std::string protocol;  // the `protocol=` query parameter
};

class Transport {
public:
    virtual ~Transport() = default;

    [[nodiscard]] virtual PeerInfo peer() const { return {}; }

    virtual void send(std::string_view text) = 0;
    virtual void send(const ws::Broadcast& message) = 0;
    virtual void close(std::uint16_t code, std::string_view reason) = 0;
};

}  // namespace herald::server
