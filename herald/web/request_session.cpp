// herald/web/request_session.cpp
#include "herald/web/request_session.h"

#include <mutex>
#include <string_view>
#include <utility>

#include "herald/util/ascii.h"
#include "herald/util/assert.h"
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

bool wants_keep_alive(const http::Request& request) {
    const std::string connection = request.fields.joined("Connection");
    if (util::list_contains_token(connection, "close")) {
        return false;
    }
    return request.version >= 11 || util::list_contains_token(connection, "keep-alive");
}

namespace {

// The response asks for the end of the connection itself (an error page, a refused upgrade).
bool closes_connection(const http::Response& response) {
    return util::list_contains_token(response.fields.joined("Connection"), "close");
}

// Holds the connection until the answer comes; posts the answer (or a 503, when the last copy
// of the Responder goes unanswered) to the connection's worker, where the session is released.
class SessionAnswer final : public Responder::Target {
public:
    explicit SessionAnswer(std::shared_ptr<RequestSession> session)
        : session_(std::move(session)) {}

    SessionAnswer(const SessionAnswer&) = delete;
    SessionAnswer& operator=(const SessionAnswer&) = delete;

    ~SessionAnswer() override {
        answer(http::text_response(503, "The server could not build this answer\n"));
    }

    void answer(http::Response response) override {
        std::shared_ptr<RequestSession> target;
        {
            const std::lock_guard lock(mutex_);
            target = std::move(session_);
        }
        if (target) {
            auto& worker = target->worker();
            worker.post([target = std::move(target), response = std::move(response)]() mutable {
                target->answer_later(std::move(response));
            });
        }
    }

private:
    std::mutex mutex_;
    std::shared_ptr<RequestSession> session_;  // null once answered
};

// Hands out the Responder for the request being routed, at most once. The session's shared
// pointer is taken only then: a request answered at once costs no reference count.
class RoutingDeferral final : public Deferral {
public:
    explicit RoutingDeferral(RequestSession& session) : session_(session) {}

    Responder defer() override {
        HERALD_CHECK(!deferred_, "defer() is called at most once per request");
        deferred_ = true;
        return Responder(std::make_shared<SessionAnswer>(
                std::static_pointer_cast<RequestSession>(session_.shared_from_this())));
    }

    [[nodiscard]] std::string peer_address() const override { return session_.remote_address(); }

    [[nodiscard]] bool deferred() const noexcept { return deferred_; }

private:
    RequestSession& session_;
    bool deferred_ = false;
};

}  // namespace

RequestSession::RequestSession(net::Worker& worker, net::StreamPtr stream,
                               std::shared_ptr<const ServerCore> core)
    : Session(worker, std::move(stream)),
      core_(std::move(core)),
      parser_(core_->options.http_limits) {}

void RequestSession::start() {
    deadline_ = net::Worker::now() + core_->options.handshake_timeout;
    request_started_ = true;  // the first request is under the handshake timeout from accept
    watch_ticks();
    if (!is_tls()) {
        start_reading_now();
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
        return;  // closing: whatever else comes is ignored
    }
    HERALD_ASSERT(held_.empty());  // bytes are held only while reading is paused
    serve(data);
}

bool RequestSession::must_wait_for_drain() const noexcept {
    return unsent_ >= core_->options.max_pipelined_responses;
}

void RequestSession::serve(std::span<char> data) {
    while (!done_ && !data.empty()) {
        if (must_wait_for_drain()) {
            held_.assign(data.data(), data.size());
            pause_reading();
            return;
        }
        if (!request_started_) {
            request_started_ = true;
            deadline_ = net::Worker::now() + core_->options.handshake_timeout;
        }
        const auto step = parser_.feed(std::string_view(data.data(), data.size()));
        if (step.status == http::ParseStatus::NeedMore) {
            return;  // the parser keeps the partial request
        }
        if (step.status == http::ParseStatus::Error) {
            respond(http::text_response(step.error_status, step.error + "\n"), false);
            return;
        }
        const auto rest = data.subspan(step.used_bytes);
        if (!route(parser_.request(), rest)) {
            return;
        }
        parser_.reset();
        request_started_ = false;
        deadline_ = net::Worker::now() + core_->options.http_idle_timeout;
        data = rest;
    }
}

void RequestSession::on_drained() {
    unsent_ = 0;
    if (done_ || awaiting_answer_) {
        return;
    }
    if (hand_over_waiting_) {
        // The answers queued before a parsed upgrade are written: the stream can change hands.
        hand_over_waiting_ = false;
        std::string held = std::exchange(held_, std::string());
        route(parser_.request(), std::span<char>(held.data(), held.size()));
        return;
    }
    serve_held();
}

void RequestSession::serve_held() {
    std::string held = std::exchange(held_, std::string());
    serve(std::span<char>(held.data(), held.size()));
    if (!done_ && !awaiting_answer_ && held_.empty()) {
        resume_reading();
    }
}

void RequestSession::answer_later(http::Response response) {
    if (!has_stream() || done_ || !awaiting_answer_) {
        return;  // the connection ended meanwhile
    }
    awaiting_answer_ = false;
    deadline_ = net::Worker::now() + core_->options.http_idle_timeout;
    const bool open = respond(std::move(response), keep_alive_after_answer_);
    // No read is pending while an answer is awaited: this keeps the session alive until the
    // flush respond() asked for has run (then the write in flight, or the next read, holds it).
    pause_reading();
    if (open && !must_wait_for_drain()) {
        serve_held();
    }
}

bool RequestSession::route(http::Request& request, std::span<char> rest) {
    const bool upgrade_request = ws::is_upgrade_request(request);
    bool event_stream =
            !upgrade_request && core_->on_event_stream && is_event_stream_request(request);
    std::optional<http::Response> refused;  // the gate's answer instead of a stream
    if (event_stream && core_->event_stream_gate) {
        refused = core_->event_stream_gate(request);
        event_stream = !refused;
    }
    const bool response_stream = !upgrade_request && !event_stream && !refused &&
                                 core_->on_response_stream &&
                                 core_->response_stream_selector(request);
    if ((upgrade_request || event_stream || response_stream) && (!out_.empty() || writing())) {
        // The stream can change hands only once the answers queued before are written.
        held_.assign(rest.data(), rest.size());
        hand_over_waiting_ = true;
        pause_reading();
        return false;
    }
    if (upgrade_request) {
        upgrade(request, rest);
        return false;
    }
    if (event_stream) {
        open_event_stream(request);
        return false;
    }
    if (response_stream) {
        open_response_stream(request);
        return false;
    }
    const bool keep_alive = wants_keep_alive(request);
    if (refused) {
        return respond(std::move(*refused), keep_alive);
    }
    if (!core_->on_http) {
        return respond(http::text_response(404, "not found\n"), keep_alive);
    }
    RoutingDeferral later(*this);
    auto response = core_->on_http(request, later);
    if (response) {
        HERALD_CHECK(!later.deferred(), "a handler answers now or defers, not both");
        return respond(std::move(*response), keep_alive);
    }
    HERALD_CHECK(later.deferred(), "a handler without an answer must defer()");
    // The request is answered later; what follows it waits (answers stay in order), and the
    // connection lives on in the Responder, with no deadline, until then.
    awaiting_answer_ = true;
    keep_alive_after_answer_ = keep_alive;
    deadline_ = net::Clock::time_point::max();
    parser_.reset();
    request_started_ = false;
    held_.assign(rest.data(), rest.size());
    pause_reading();
    return false;
}

void RequestSession::upgrade(http::Request& request, std::span<char> rest) {
    done_ = true;
    auto handshake = ws::accept_handshake(request, core_->handshake);
    if (!handshake.accepted) {
        respond(std::move(handshake.response), false);
        return;
    }
    if (!core_->on_websocket) {
        respond(http::text_response(404, "no WebSocket endpoint here\n"), false);
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
    if (options.kept_request_fields) {
        accepted.kept_fields = &*options.kept_request_fields;
    }
    accepted.response = util::make_shared_bytes(http::serialize(handshake.response));
    accepted.options = core_->session;
    auto socket = std::make_shared<WebSocket>(worker(), detach_stream(), std::move(accepted));
    socket->join(core_->registries.at(worker().index()));
    core_->on_websocket(socket);
    socket->start_server(rest);
}

void RequestSession::open_event_stream(const http::Request& request) {
    done_ = true;
    auto stream =
            std::make_shared<EventStream>(worker(), detach_stream(), request, core_->event_stream);
    stream->join(core_->registries.at(worker().index()));
    core_->on_event_stream(stream);
    stream->start();
}

void RequestSession::open_response_stream(const http::Request& request) {
    done_ = true;
    auto stream = std::make_shared<ResponseStream>(worker(), detach_stream(), request,
                                                   core_->response_stream);
    stream->join(core_->registries.at(worker().index()));
    core_->on_response_stream(stream, request);
    stream->start();
}

bool RequestSession::respond(http::Response response, bool keep_alive) {
    keep_alive = keep_alive && !closes_connection(response);
    response.fields.set("Connection", keep_alive ? "keep-alive" : "close");
    out_.push(util::make_shared_bytes(http::serialize(response)));
    ++unsent_;
    if (!keep_alive) {
        done_ = true;
        close_after_flush();
        return false;
    }
    request_flush();
    return true;
}

}  // namespace herald::web
