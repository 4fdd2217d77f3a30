// herald/web/request_session.h
//
// A server connection while it speaks plain HTTP: TLS handshake (if any), then requests read
// under the handshake timeout. An upgrade, event-stream or selected request hands the stream
// over to a WebSocket, an EventStream or a ResponseStream (the parser lives only here, so an
// established connection does not carry it). Other requests are answered in order on a
// persistent connection (HTTP/1.1 keep-alive, RFC 9112 §9.3): pipelined requests are parsed from
// what is already read, at most `max_pipelined_responses` answers wait unsent before reading
// stops (back-pressure), and a connection idle for `http_idle_timeout` between requests is
// closed. A handler may answer later from another thread (responder.h); until then nothing more
// is read or parsed.
// Owner: its worker (internal to herald::web).
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "herald/http/parser.h"
#include "herald/net/session.h"
#include "herald/web/responder.h"
#include "herald/web/server_core.h"

namespace herald::web {

class RequestSession final : public net::Session {
public:
    RequestSession(net::Worker& worker, net::StreamPtr stream,
                   std::shared_ptr<const ServerCore> core);

    // Runs the TLS handshake if there is one, then reads the request.
    void start();

    // The answer to the request a handler deferred (responder.h), on this worker.
    void answer_later(http::Response response);

private:
    util::ByteQueue& outgoing() override { return out_; }

    void on_bytes(std::span<char> data) override;

    void on_closed(const std::error_code& /*reason*/) override {}

    void on_tick(net::Clock::time_point now) override;

    void on_drained() override;

    // Parses and answers the requests in `data`, in order, until they are all read, the
    // connection ends or is handed over, or back-pressure keeps the rest in `held_`.
    void serve(std::span<char> data);
    // The parsed request: false when the connection was handed over or is closing.
    bool route(http::Request& request, std::span<char> rest);
    void upgrade(http::Request& request, std::span<char> rest);
    void open_event_stream(const http::Request& request);
    void open_response_stream(const http::Request& request);
    // Queues the answer; false when the connection closes after it.
    bool respond(http::Response response, bool keep_alive);
    [[nodiscard]] bool must_wait_for_drain() const noexcept;
    // Goes on with what was read while answers were queued or awaited.
    void serve_held();

    std::shared_ptr<const ServerCore> core_;
    http::RequestParser parser_;
    util::ByteQueue out_;
    std::string held_;                // read but not yet parsed while answers wait to be written
    std::size_t unsent_ = 0;          // answers queued since the queue was last empty
    bool request_started_ = false;    // bytes of the next request have arrived
    bool hand_over_waiting_ = false;  // a parsed upgrade waits for the answers queued before it
    bool awaiting_answer_ = false;    // a handler answers the last request later
    bool keep_alive_after_answer_ = false;
    net::Clock::time_point deadline_;
    bool done_ = false;  // answered for good (closing) or handed over
};

// True when the client lets the connection persist after `request`: HTTP/1.1 unless it sends
// `Connection: close`, HTTP/1.0 only with `Connection: keep-alive`.
[[nodiscard]] bool wants_keep_alive(const http::Request& request);

// True for a GET whose Accept field lists text/event-stream.
[[nodiscard]] bool is_event_stream_request(const http::Request& request);

}  // namespace herald::web
