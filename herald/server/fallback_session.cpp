#include "herald/server/fallback_session.h"

#include <algorithm>
#include <utility>

#include "herald/http/message.h"
#include "herald/pusher/error_code.h"
#include "herald/pusher/fallback.h"
#include "herald/server/connection.h"
#include "herald/util/assert.h"

namespace herald::server {

namespace {

constexpr std::string_view kArrayStart = "a[";

// An answer to a poll: the frames, never cached, readable by the page that asked.
http::Response poll_answer(std::string body, const std::string& allow_origin) {
    http::Response response;
    response.fields.add("Content-Type", "application/javascript; charset=UTF-8");
    response.fields.add("Cache-Control", "no-store");
    response.fields.add("Access-Control-Allow-Origin", allow_origin);
    response.body = std::move(body);
    return response;
}

}  // namespace

// What the Connection holds: everything it sends goes into its session.
class FallbackSession::SessionTransport final : public Transport {
public:
    explicit SessionTransport(FallbackSession& session) : session_(session) {}

    [[nodiscard]] PeerInfo peer() const override { return session_.peer_; }

    void send(std::string_view text) override { session_.queue(text); }

    void send(const ws::Broadcast& message, Flush /*flush*/) override {
        session_.queue(message.payload());  // an HTTP body is written at the end of the turn
    }

    void close(std::uint16_t code, std::string_view reason) override {
        session_.close(code, reason);
    }

private:
    FallbackSession& session_;  // owns the Connection that owns this transport
};

FallbackSession::FallbackSession(net::Worker& worker, PeerInfo peer, FallbackSessionLimits limits,
                                 std::function<void(const FallbackSession*)> on_end)
    : worker_(worker), peer_(std::move(peer)), limits_(limits), on_end_(std::move(on_end)) {}

FallbackSession::~FallbackSession() = default;

std::unique_ptr<Transport> FallbackSession::transport() {
    return std::make_unique<SessionTransport>(*this);
}

void FallbackSession::start(std::shared_ptr<Connection> connection) {
    HERALD_ASSERT_OWNER(worker_.owner());
    self_ = shared_from_this();
    connection_ = std::move(connection);
    pending_.assign(pusher::open_frame());
    detached_since_ = last_output_ = net::Worker::now();
    worker_.add_tickable(*this);
    connection_->open();
    if (!flush_asked_) {
        flush_asked_ = true;
        worker_.defer_flush(*this);  // the open frame goes out even if open() sent nothing
    }
}

void FallbackSession::queue(std::string_view message) {
    if (closing_ || ended_) {
        return;
    }
    if (batch_.empty()) {
        batch_.assign(kArrayStart);
    }
    pusher::append_array_message(batch_, message);
    if (batch_.size() + pending_.size() > limits_.max_pending_bytes) {
        // Nobody takes the frames fast enough: dropped like a WebSocket that does not read.
        batch_.clear();
        pending_.clear();
        if (connection_) {
            connection_->dropped_as_slow_consumer();
            connection_->close(pusher::ErrorCode::OverCapacity,
                               "Too much waiting for the client to take it");
        }
        return;
    }
    if (!flush_asked_) {
        flush_asked_ = true;
        worker_.defer_flush(*this);
    }
}

void FallbackSession::flush() {
    flush_asked_ = false;
    if (!batch_.empty()) {
        batch_ += "]\n";
        pending_ += batch_;
        batch_.clear();
    }
    deliver(false);
}

void FallbackSession::close(std::uint16_t code, std::string_view reason) {
    if (closing_ || ended_) {
        return;
    }
    flush();
    closing_ = true;
    detached_since_ = net::Worker::now();  // the close frame waits one more activity timeout
    pending_ += pusher::close_frame(code, reason);
    deliver(true);
    // As a WebSocket reports its close: after this turn, not inside the caller's walk.
    worker_.post([weak = weak_from_this(), code, reason = std::string(reason)]() mutable {
        if (const auto session = weak.lock()) {
            session->connection_closed(code, std::move(reason));
        }
    });
}

void FallbackSession::connection_closed(std::uint16_t code, std::string reason) {
    if (connection_done_) {
        return;
    }
    connection_done_ = true;
    if (connection_) {
        connection_->closed(code, reason);
    }
    if (pending_.empty()) {
        end();  // the close frame is out: nothing is left to answer
    }
}

void FallbackSession::deliver(bool last) {
    if (pending_.empty() && !last) {
        return;
    }
    if (stream_worker_ != nullptr) {
        write_stream(std::exchange(pending_, std::string()), last);
        if (last) {
            detach_stream(false);
        }
    } else if (poll_) {
        answer_poll(std::exchange(pending_, std::string()));
    }
    if (closing_ && pending_.empty() && connection_done_) {
        end();
    }
}

void FallbackSession::answer_poll(std::string body) {
    (*poll_)(poll_answer(std::move(body), poll_origin_));
    poll_.reset();
    detached_since_ = last_output_ = net::Worker::now();
}

void FallbackSession::write_stream(std::string bytes, bool last) {
    last_output_ = net::Worker::now();
    stream_worker_->post([stream = stream_, bytes = std::move(bytes), last] {
        if (const auto open = stream.lock()) {
            open->write(bytes);
            if (last) {
                open->close();
            }
        }
    });
}

void FallbackSession::detach_stream(bool end_it) {
    if (stream_worker_ == nullptr) {
        return;
    }
    if (end_it) {
        write_stream({}, true);
    }
    stream_worker_ = nullptr;
    stream_.reset();
    stream_id_ = nullptr;
    detached_since_ = net::Worker::now();
}

void FallbackSession::attach(net::Worker& stream_worker, std::weak_ptr<web::ResponseStream> stream,
                             const void* stream_id) {
    HERALD_ASSERT_OWNER(worker_.owner());
    if (ended_) {  // in the moment between its end and its release: the client reconnects
        stream_worker.post([stream = std::move(stream)] {
            if (const auto open = stream.lock()) {
                open->close();
            }
        });
        return;
    }
    if (poll_) {
        answer_poll(std::string(pusher::heartbeat_frame()));
    }
    detach_stream(true);
    stream_worker_ = &stream_worker;
    stream_ = std::move(stream);
    stream_id_ = stream_id;
    stream_gone_ = false;
    last_output_ = net::Worker::now();
    deliver(closing_);
}

void FallbackSession::attach(web::Responder poll, std::string allow_origin) {
    HERALD_ASSERT_OWNER(worker_.owner());
    if (ended_) {
        return;  // unanswered, the poll gets 503: the client reconnects
    }
    detach_stream(true);
    if (poll_) {
        answer_poll(std::string(pusher::heartbeat_frame()));
    }
    poll_ = std::move(poll);
    poll_origin_ = std::move(allow_origin);
    stream_gone_ = false;
    last_output_ = net::Worker::now();
    deliver(false);
}

void FallbackSession::stream_ended(const void* stream, bool overflowed) {
    if (stream != stream_id_ || stream_worker_ == nullptr) {
        return;  // one replaced before
    }
    stream_worker_ = nullptr;
    stream_.reset();
    stream_id_ = nullptr;
    detached_since_ = net::Worker::now();
    stream_gone_ = true;
    if (overflowed && connection_ && !closing_) {
        connection_->dropped_as_slow_consumer();
        connection_->close(pusher::ErrorCode::OverCapacity, "The client did not read its stream");
    }
}

void FallbackSession::receive(const std::vector<std::string>& messages) {
    if (!connection_ || closing_) {
        return;
    }
    for (const auto& message : messages) {
        connection_->receive(web::Message{false, message});
        if (closing_) {
            return;
        }
    }
}

void FallbackSession::on_tick(net::Clock::time_point now) {
    if (ended_) {
        return;
    }
    const bool attached = stream_worker_ != nullptr || poll_;
    if (!attached) {
        const auto limit = stream_gone_ ? std::min(limits_.stream_grace, limits_.detached_limit)
                                        : limits_.detached_limit;
        if (now - detached_since_ < limit) {
            return;
        }
        if (closing_ || !connection_ || !connection_->is_open()) {
            pending_.clear();  // nobody came for the close frame
            connection_closed(0, {});
            end();
            return;
        }
        connection_->close(pusher::ErrorCode::PongReplyNotReceived,
                           "No request from the client within the activity timeout");
        return;
    }
    if (now - last_output_ < limits_.heartbeat) {
        return;
    }
    if (poll_) {
        answer_poll(std::string(pusher::heartbeat_frame()));
    } else {
        write_stream(std::string(pusher::heartbeat_frame()), false);
    }
}

void FallbackSession::end() {
    if (ended_) {
        return;
    }
    ended_ = true;
    if (!connection_done_) {  // the server stops: the connection leaves its channels now
        connection_done_ = true;
        if (connection_) {
            connection_->closed(1006, "Server stopped");
        }
    }
    worker_.remove_tickable(*this);
    worker_.cancel_flush(*this);
    detach_stream(true);
    if (poll_) {
        poll_.reset();  // answered 503 by the web layer: the client reconnects
    }
    if (on_end_) {
        std::exchange(on_end_, {})(this);
    }
    // The last reference may be this one: release it after the current call returns.
    worker_.post([self = std::move(self_)] {});
}

}  // namespace herald::server
