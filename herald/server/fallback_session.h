// herald/server/fallback_session.h
//
// One pusher-js HTTP session (xhr_streaming or xhr_polling, docs/HTTP_FALLBACK.md): the Transport
// of a Connection like any other. What the connection sends is batched per loop turn into one
// array frame and handed to the client's open receive request: written to the streaming
// response, or answered to the held poll. With no receive request open, frames wait, bounded by
// the app's queue cap (past it the connection is dropped as a slow consumer, 4100); a session
// left without a receive request for the activity timeout is closed. The connection's close is
// the close frame, answered to the next receive request when none is open.
// Owner: the worker it was created on (every method there; other workers post to it). It keeps
// itself alive until it ends, and holds no strong reference to anything of another worker.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "herald/net/worker.h"
#include "herald/server/transport.h"
#include "herald/web/responder.h"
#include "herald/web/response_stream.h"

namespace herald::server {

class Connection;

struct FallbackSessionLimits {
    std::chrono::milliseconds detached_limit{120000};  // no receive request: closed after this
    std::chrono::milliseconds heartbeat{25000};        // a quiet stream gets `h`, a held poll too
    // After its stream ended (the client went away, or reopens it at once), a streaming session
    // waits this long for the next one (at most detached_limit).
    std::chrono::milliseconds stream_grace{5000};
    std::size_t max_pending_bytes = 1024 * 1024;  // frames waiting for a receive request
};

class FallbackSession final : public net::Tickable,
                              public net::Flushable,
                              public std::enable_shared_from_this<FallbackSession> {
public:
    // `on_end` runs once, on the worker, when the session is over (to forget its id).
    FallbackSession(net::Worker& worker, PeerInfo peer, FallbackSessionLimits limits,
                    std::function<void(const FallbackSession*)> on_end);
    ~FallbackSession() override;
    FallbackSession(const FallbackSession&) = delete;
    FallbackSession& operator=(const FallbackSession&) = delete;

    // The transport to give the session's Connection (it writes into this session).
    [[nodiscard]] std::unique_ptr<Transport> transport();
    // Starts with `connection` (made with transport()): queues the open frame, opens it.
    void start(std::shared_ptr<Connection> connection);

    // A receive request: the streaming response (on its own worker) or a held poll. It replaces
    // the one open before (a stream is ended, a poll answered with a heartbeat).
    // A stream is known by `stream_id` (its address) and reached on `stream_worker`.
    void attach(net::Worker& stream_worker, std::weak_ptr<web::ResponseStream> stream,
                const void* stream_id);
    // `allow_origin`: the poll's Access-Control-Allow-Origin.
    void attach(web::Responder poll, std::string allow_origin);
    // The streaming response identified by `stream` ended: the client went away, or did not read
    // (`overflowed`: the connection is dropped as a slow consumer).
    void stream_ended(const void* stream, bool overflowed);

    // Ends the session now (the server stops): the connection leaves, nothing more is answered.
    void end();

    // The client's messages from a send request, in order.
    void receive(const std::vector<std::string>& messages);

    [[nodiscard]] net::Worker& worker() const noexcept { return worker_; }

    void on_tick(net::Clock::time_point now) override;
    void flush() override;

private:
    class SessionTransport;
    friend class SessionTransport;

    void queue(std::string_view message);
    void close(std::uint16_t code, std::string_view reason);
    void connection_closed(std::uint16_t code, std::string reason);
    // Hands what waits to the open receive request; `last`: the stream ends after it.
    void deliver(bool last);
    void answer_poll(std::string body);
    void write_stream(std::string bytes, bool last);
    void detach_stream(bool end);

    net::Worker& worker_;
    PeerInfo peer_;
    FallbackSessionLimits limits_;
    std::function<void(const FallbackSession*)> on_end_;
    std::shared_ptr<FallbackSession> self_;  // while it lasts
    std::shared_ptr<Connection> connection_;
    std::string batch_;    // this turn's messages: an array frame being built
    std::string pending_;  // finished frames no receive request took yet
    // The open receive request, if any: a stream (on its worker, never held strongly here) ...
    net::Worker* stream_worker_ = nullptr;
    std::weak_ptr<web::ResponseStream> stream_;
    const void* stream_id_ = nullptr;
    // ... or a held poll.
    std::optional<web::Responder> poll_;
    std::string poll_origin_;
    net::Clock::time_point detached_since_{};
    net::Clock::time_point last_output_{};
    bool flush_asked_ = false;
    bool stream_gone_ = false;      // detached because its stream ended
    bool closing_ = false;          // the close frame is queued
    bool connection_done_ = false;  // the Connection has left its channels
    bool ended_ = false;
};

}  // namespace herald::server
