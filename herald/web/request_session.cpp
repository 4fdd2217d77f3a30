// herald/web/request_session.cpp
#include "herald/web/request_session.h"

#include <string_view>
#include <utility>

#include "herald/util/ascii.h"
#include "herald/util/shared_bytes.h"
#include "herald/ws/handshake.h"

namespace herald::web {

bool is_event_stream_request(const http::Request& request) {
    if (request.method != "GET") {
        return false;
    }
    bool found = false;
    // Accept: text/event-stream, possibly with parameters (";q=...") or among other types.
    util::for_each_list_element(request.fields.joined("Accept"), [&](std::string_view item) {
        const std::string_view type = util::trim(item.substr(0, item.find(';')));
        found = util::iequals(type, "text/event-stream");
        return !found;
    });
    return found;
}

RequestSession::RequestSession(net::Worker& worker, net::StreamPtr stream,
                               std::shared_ptr<const ServerCore> core)
    : Session(worker, std::move(stream)),
      core_(std::move(core)),
      parser_(core_->options.http_limits) {}

void RequestSession::start() {
    deadline_ = net::Worker::now() + core_->options.handshake_timeout;
    watch_ticks();
    if (!is_tls()) {
        start_reading();
        return;
    }
    // A failed handshake (or the deadline, which closes the stream) just ends the connection.
    start_handshake([self = std::static_pointer_cast<RequestSession>(self())](
                            const std::error_code& error) {
        if (error) {
            self->close_now(error);
        } else {
            self->start_reading();
        }
    });
}

void RequestSession::on_tick(net::Clock::time_point now) {
    if (now >= deadline_) {
        close_now(std::make_error_code(std::errc::timed_out));
    }
}

void RequestSession::on_bytes(std::span<char> data) {
    if (done_) {
        return;  // answered: whatever else comes is ignored until the connection closes
    }
    const auto step = parser_.feed(std::string_view(data.data(), data.size()));
    if (step.status == http::ParseStatus::NeedMore) {
        return;
    }
    if (step.status == http::ParseStatus::Error) {
        auto response = http::text_response(step.error_status, step.error + "\n");
        respond(std::move(response));
        return;
    }
    route(parser_.request(), data.subspan(step.used_bytes));
}

void RequestSession::route(http::Request& request, std::span<char> rest) {
    done_ = true;
    if (ws::is_upgrade_request(request)) {
        upgrade(request, rest);
    } else if (core_->on_event_stream && is_event_stream_request(request)) {
        open_event_stream(request);
    } else if (core_->on_http) {
        respond(core_->on_http(request));
    } else {
        respond(http::text_response(404, "not found\n"));
    }
}

void RequestSession::upgrade(http::Request& request, std::span<char> rest) {
    auto handshake = ws::accept_handshake(request, core_->handshake);
    if (!handshake.accepted) {
        respond(std::move(handshake.response));
        return;
    }
    if (!core_->on_websocket) {
        respond(http::text_response(404, "no WebSocket endpoint here\n"));
        return;
    }
    const auto& options = core_->options;
    WebSocket::Accepted accepted;
    accepted.peer.role = ws::Role::Server;
    accepted.peer.max_message_bytes = options.max_message_bytes;
    accepted.peer.deflate = handshake.deflate;
    accepted.peer.deflate_level = options.deflate.level;
    accepted.peer.deflate_min_bytes = options.deflate.min_message_bytes;
    accepted.protocol = std::move(handshake.protocol);
    accepted.request = &request;
    accepted.response = util::make_shared_bytes(http::serialize(handshake.response));
    accepted.options = core_->session;
    auto socket = std::make_shared<WebSocket>(worker(), detach_stream(), std::move(accepted));
    socket->join(core_->registries.at(worker().index()));
    core_->on_websocket(socket);
    socket->start_server(rest);
}

void RequestSession::open_event_stream(const http::Request& request) {
    auto stream =
            std::make_shared<EventStream>(worker(), detach_stream(), request, core_->event_stream);
    stream->join(core_->registries.at(worker().index()));
    core_->on_event_stream(stream);
    stream->start();
}

void RequestSession::respond(http::Response response) {
    done_ = true;
    // One request per connection: simple, and all a WebSocket/SSE server needs besides pages.
    response.fields.set("Connection", "close");
    out_.push(util::make_shared_bytes(http::serialize(response)));
    close_after_flush();
}

}  // namespace herald::web
