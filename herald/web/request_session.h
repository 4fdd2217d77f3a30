// herald/web/request_session.h
//
// A server connection until its first HTTP request is read: TLS handshake (if any) and request
// parsing under the handshake timeout, then the hand-over of the stream to a WebSocket or an
// EventStream, or one HTTP response and the end of the connection. The parser lives only here,
// so an established connection does not carry it.
// Owner: its worker (internal to ws_io).
#pragma once

#include <memory>

#include "herald/http/parser.h"
#include "herald/net/session.h"
#include "herald/web/server_core.h"

namespace herald::web {

class RequestSession final : public net::Session {
public:
    RequestSession(net::Worker& worker, net::StreamPtr stream,
                   std::shared_ptr<const ServerCore> core);

    // Runs the TLS handshake if there is one, then reads the request.
    void start();

private:
    util::ByteQueue& outgoing() override { return out_; }

    void on_bytes(std::span<char> data) override;

    void on_closed(const std::error_code& /*reason*/) override {}

    void on_tick(net::Clock::time_point now) override;

    void route(http::Request& request, std::span<char> rest);
    void upgrade(http::Request& request, std::span<char> rest);
    void open_event_stream(const http::Request& request);
    void respond(http::Response response);

    std::shared_ptr<const ServerCore> core_;
    http::RequestParser parser_;
    util::ByteQueue out_;
    net::Clock::time_point deadline_;
    bool done_ = false;  // the request was answered or handed over
};

// True for a GET whose Accept field lists text/event-stream.
[[nodiscard]] bool is_event_stream_request(const http::Request& request);

}  // namespace herald::web
