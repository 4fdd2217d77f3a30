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

// When a broadcast leaves. `EndOfTurn` queues it for the connection's one gathered write at the
// end of the loop turn, with whatever else it gets meanwhile (a burst of events). `Now` is for a
// message with nothing after it in this turn: written at once when nothing is queued.
enum class Flush : bool {
    EndOfTurn,
    Now
};

class Transport {
public:
    virtual ~Transport() = default;

    [[nodiscard]] virtual PeerInfo peer() const { return {}; }

    virtual void send(std::string_view text) = 0;
    virtual void send(const ws::Broadcast& message, Flush flush) = 0;
    virtual void close(std::uint16_t code, std::string_view reason) = 0;

    // Ask for the lines a broadcast send() reads to be loaded, a link of the chain at a time: a
    // walk over a channel's subscribers calls prefetch() two connections ahead and then
    // prefetch_next() one ahead, which may read what prefetch() asked for
    // (Hub::deliver_on_worker).
    virtual void prefetch() const noexcept {}

    virtual void prefetch_next() const noexcept {}
};

}  // namespace herald::server
