// herald/web/websocket.cpp
#include "herald/web/websocket.h"

#include <utility>

#include "herald/util/assert.h"
#include "herald/util/prefetch.h"
#include "herald/web/client_phase.h"
#include "herald/web/connections.h"

namespace herald::web {
namespace {

constexpr std::size_t kMaxPendingPings = 64;  // pings awaiting their pong callback

// Frames one connection may have handled per loop turn. A read can hold a thousand small
// messages; handling them all at once would make every other connection on the worker wait for
// one flooding client, so the rest of the read waits its turn behind the others.
constexpr std::size_t kMaxFramesPerTurn = 16;

}  // namespace

class WebSocket::Callbacks final : public Handler {
public:
    OpenHandler open;
    MessageHandler message;
    CloseHandler close;
    ErrorHandler error;
    OverflowHandler overflow;

    void on_open(WebSocket& /*socket*/) override {
        if (open) {
            open();
        }
    }

    void on_message(WebSocket& /*socket*/, const Message& m) override {
        if (message) {
            message(m);
        }
    }

    void on_close(WebSocket& /*socket*/, std::uint16_t code, std::string_view reason) override {
        if (close) {
            close(code, reason);
        }
    }

    void on_error(WebSocket& /*socket*/, std::string_view text) override {
        if (error) {
            error(text);
        }
    }

    void on_overflow(WebSocket& /*socket*/) override {
        if (overflow) {
            overflow();
        }
    }
};

WebSocket::Callbacks& WebSocket::callbacks() {
    if (callbacks_ == nullptr) {
        auto created = std::make_shared<Callbacks>();
        callbacks_ = created.get();
        handler_ = std::move(created);
    }
    return *callbacks_;
}

void WebSocket::on_open(OpenHandler handler) {
    callbacks().open = std::move(handler);
}

void WebSocket::on_message(MessageHandler handler) {
    callbacks().message = std::move(handler);
}

void WebSocket::on_close(CloseHandler handler) {
    callbacks().close = std::move(handler);
}

void WebSocket::on_error(ErrorHandler handler) {
    callbacks().error = std::move(handler);
}

void WebSocket::on_overflow(OverflowHandler handler) {
    callbacks().overflow = std::move(handler);
}

WebSocket::WebSocket(net::Worker& worker, net::StreamPtr stream, Accepted accepted)
    : Session(worker, std::move(stream)),
      options_(std::move(accepted.options)),
      server_side_(true),
      protocol_(accepted.protocol.empty()
                        ? nullptr
                        : std::make_unique<const std::string>(std::move(accepted.protocol))) {
    peer_.emplace(accepted.peer);
    if (accepted.request != nullptr) {
        head_ = ws::RequestHead(*accepted.request, accepted.kept_fields);
    }
    // Queued first, so whatever the owner sends from on_websocket follows the 101.
    peer_->outgoing().push(std::move(accepted.response));
    state_ = ReadyState::Open;
}

WebSocket::~WebSocket() {
    if (registry_) {
        registry_->remove(*this);
    }
}

std::shared_ptr<WebSocket> WebSocket::shared() {
    return std::static_pointer_cast<WebSocket>(self());
}

// Open and under its queue cap. Called by every method that queues, on the worker's thread.
bool WebSocket::sendable() const noexcept {
    HERALD_ASSERT_OWNER(worker().owner());
    HERALD_ASSERT(state_ != ReadyState::Open || peer_.has_value());  // open means a Peer
    return state_ == ReadyState::Open && !overflowed_;
}

void WebSocket::join(std::shared_ptr<Connections> registry) {
    registry_ = std::move(registry);
    registry_->add(*this);
}

void WebSocket::start_server(std::span<char> early) {
    request_flush();
    open(early);
}

void WebSocket::open(std::span<char> early) {
    state_ = ReadyState::Open;
    last_seen_ = state_since_ = net::Worker::now();
    watch_ticks();
    if (handler_) {
        handler_->on_open(*this);
    }
    if (!early.empty() && has_stream()) {
        receive(early);
    }
    start_reading();
}

bool WebSocket::send(std::string_view text) {
    if (!sendable()) {
        return false;
    }
    peer_->send_text(text);
    after_send();
    return true;
}

bool WebSocket::send_binary(std::string_view bytes) {
    if (!sendable()) {
        return false;
    }
    peer_->send_binary(bytes);
    after_send();
    return true;
}

bool WebSocket::send(const ws::Broadcast& message) {
    if (!sendable()) {
        return false;
    }
    peer_->send(message);
    after_send();
    return true;
}

bool WebSocket::send_now(const ws::Broadcast& message) {
    if (!sendable()) {
        return false;
    }
    // Only a frame the queue could hold: one over the limit overflows as send() makes it do.
    const auto* frame = peer_->frame_to_share(message);
    if (frame != nullptr &&
        (*frame)->size() + util::ByteQueue::kItemOverheadBytes <= max_queued_bytes_ &&
        write_through(*frame)) {
        return true;
    }
    return send(message);
}

void WebSocket::prefetch_send_path() const noexcept {
    prefetch_write_path();
    util::prefetch(&max_queued_bytes_);  // the limit and the state, declared together
    // The ws::Peer's options, queue and state: its first two lines (peer.h keeps them there).
    const auto* peer = reinterpret_cast<const char*>(&peer_);
    util::prefetch(peer);
    util::prefetch(peer + 64);
}

bool WebSocket::ping(std::string_view payload, std::function<void()> on_pong) {
    if (!sendable()) {
        return false;
    }
    payload = payload.substr(0, ws::kMaxControlPayload);
    peer_->ping(payload);
    if (on_pong) {
        if (pings_.size() == kMaxPendingPings) {
            pings_.erase(pings_.begin());
        }
        pings_.push_back(PendingPing{std::string(payload), std::move(on_pong)});
    }
    after_send();
    return true;
}

void WebSocket::close(std::uint16_t code, std::string_view reason) {
    HERALD_ASSERT_OWNER(worker().owner());
    if (state_ == ReadyState::Connecting) {
        fail_connecting("closed before the connection opened", false);
        return;
    }
    if (state_ != ReadyState::Open) {
        return;
    }
    peer_->close(code, reason);
    state_ = ReadyState::Closing;
    state_since_ = net::Worker::now();
    request_flush();
}

std::optional<ws::DeflateParams> WebSocket::deflate() const {
    return peer_ ? peer_->deflate() : std::nullopt;
}

const std::string& WebSocket::protocol() const noexcept {
    static const std::string none;
    return protocol_ ? *protocol_ : none;
}

std::size_t WebSocket::buffered_amount() const noexcept {
    // ws::Peer::outgoing() has no const overload; reading the size changes nothing.
    return (pre_open_ ? pre_open_->size_bytes() : 0) +
           (peer_ ? const_cast<ws::Peer&>(*peer_).outgoing().size_bytes() : 0);
}

util::ByteQueue& WebSocket::outgoing() {
    // The client's request goes out before anything the ws::Peer queues after the handshake.
    if (pre_open_ && (!pre_open_->empty() || !peer_)) {
        return *pre_open_;
    }
    return peer_->outgoing();
}

void WebSocket::on_bytes(std::span<char> data) {
    if (state_ == ReadyState::Connecting) {
        handshake_bytes(data);
    } else if (peer_) {
        receive(data);
    }
}

void WebSocket::receive(std::span<char> data) {
    last_seen_ = net::Worker::now();
    ping_outstanding_ = false;  // anything at all proves the other side is alive
    const auto rest = handle_frames(data);
    if (!rest.empty() && has_stream()) {
        held_.assign(rest.begin(), rest.end());  // the read buffer is the worker's: copy
        held_from_ = 0;
    }
    after_receive();
}

std::span<char> WebSocket::handle_frames(std::span<char> data) {
    for (std::size_t frames = 0; frames < kMaxFramesPerTurn && !data.empty() && has_stream();) {
        const ws::DecodeEvent event = peer_->receive(data);
        data = data.subspan(event.used_bytes);
        if (event.kind == ws::DecodeEvent::Kind::NeedMore) {
            return {};  // the ws::Peer keeps the partial frame
        }
        handle(event);
        ++frames;
        if (queued_footprint() > max_queued_bytes_) {
            // What this input asked for (pongs, replies) already fills the queue: the rest of it
            // would only grow it. The connection is dropped (overflow), so its input is moot.
            overflow();
            return {};
        }
    }
    return has_stream() ? data : std::span<char>{};
}

void WebSocket::handle_held() {
    if (!has_stream() || state_ == ReadyState::Closed) {
        release_held();
        return;
    }
    const auto rest = handle_frames(std::span<char>(held_).subspan(held_from_));
    if (rest.empty()) {
        release_held();
    } else {
        held_from_ = held_.size() - rest.size();
    }
    after_receive();
}

void WebSocket::release_held() noexcept {
    std::string().swap(held_);
    held_from_ = 0;
}

void WebSocket::pace_input() {
    if (!has_stream() || state_ == ReadyState::Closed) {
        return;
    }
    // Back-pressure: past half the queue limit, what the other side sends is not read (so its
    // pings and requests cost nothing here) until it has read what it asked for; on_drained()
    // comes back here. Input held from an earlier read goes first, one batch per turn.
    const bool backed_up = queued_footprint() > max_queued_bytes_ / 2;
    if (!backed_up && held_.empty()) {
        if (reading_paused()) {
            resume_reading();
        }
        return;
    }
    if (!reading_paused()) {
        pause_reading();  // after after_send(), which asked for the flush this relies on
    }
    if (!backed_up && !held_turn_posted_) {
        held_turn_posted_ = true;
        worker().post([self = shared()] {
            self->held_turn_posted_ = false;
            self->handle_held();
        });
    }
}

void WebSocket::handle(const ws::DecodeEvent& event) {
    switch (event.kind) {
        case ws::DecodeEvent::Kind::Message:
            if (state_ == ReadyState::Open && handler_) {
                handler_->on_message(*this,
                                     Message{event.opcode == ws::Opcode::Binary, event.payload});
            }
            break;
        case ws::DecodeEvent::Kind::Pong:
            handle_pong(event.payload);
            break;
        case ws::DecodeEvent::Kind::Fail:
            dropped_ = true;  // RFC 6455 §7.1.7: no need to wait for the other side's close
            report_error(event.payload);
            break;
        default:
            break;  // pings are answered by the ws::Peer; a close is handled after the loop
    }
}

void WebSocket::handle_pong(std::string_view payload) {
    for (auto it = pings_.begin(); it != pings_.end(); ++it) {
        if (it->payload == payload) {
            auto done = std::move(it->done);
            pings_.erase(it);
            if (pings_.empty()) {
                std::vector<PendingPing>().swap(pings_);
            }
            done();
            return;
        }
    }
}

void WebSocket::after_receive() {
    if (!has_stream()) {
        return;
    }
    if (peer_->state() == ws::PeerState::Closed && !close_seen_) {
        close_seen_ = true;
        // RFC 6455 §7.1.1: the server closes TCP first; a client waits for it (bounded).
        state_ = ReadyState::Closing;
        state_since_ = net::Worker::now();
        if (server_side_ || dropped_) {
            close_after_flush();
            return;
        }
    }
    after_send();
    pace_input();
}

void WebSocket::on_drained() {
    pace_input();
}

std::size_t WebSocket::queued_footprint() const noexcept {
    return (pre_open_ ? pre_open_->footprint_bytes() : 0) +
           (peer_ ? const_cast<ws::Peer&>(*peer_).outgoing().footprint_bytes() : 0);
}

void WebSocket::after_send() {
    if (queued_footprint() > max_queued_bytes_) {
        overflow();
    }
    request_flush();
}

void WebSocket::overflow() {
    if (overflowed_) {
        return;
    }
    overflowed_ = true;
    // Decided on a later turn, so a sender never sees its connection end inside send().
    worker().post([self = shared()] {
        if (self->state_ == ReadyState::Open && self->handler_) {
            self->handler_->on_overflow(*self);
        }
        if (self->state_ != ReadyState::Open) {
            return;  // the owner closed it (its close handshake is bounded by close_timeout)
        }
        self->peer_->close(self->options_->overflow_close_code, "send queue over limit");
        self->dropped_ = true;
        self->close_now();
        self->peer_->outgoing().clear();  // nothing will write it; give the memory back now
    });
}

void WebSocket::drop(std::uint16_t code, std::string_view reason) {
    peer_->close(code, reason);
    dropped_ = true;
    state_ = ReadyState::Closing;
    state_since_ = net::Worker::now();
    close_after_flush();
}

void WebSocket::on_tick(net::Clock::time_point now) {
    switch (state_) {
        case ReadyState::Connecting:
            if (client_ && has_stream() && now - state_since_ >= client_->handshake_timeout) {
                fail_connecting("the opening handshake timed out");
            }
            break;
        case ReadyState::Open:
            tick_open(now);
            break;
        case ReadyState::Closing:
            if (now - state_since_ >= options_->close_timeout) {
                close_now();  // the other side never finished the close handshake
            }
            break;
        case ReadyState::Closed:
            break;
    }
}

void WebSocket::tick_open(net::Clock::time_point now) {
    const auto quiet = now - last_seen_;
    const auto& o = *options_;
    if (o.idle_timeout.count() > 0 && quiet >= o.idle_timeout) {
        drop(to_int(ws::CloseCode::GoingAway), "idle timeout");
        return;
    }
    if (o.ping_interval.count() <= 0) {
        return;
    }
    if (ping_outstanding_) {
        if (now - state_since_ >= o.pong_timeout) {
            drop(to_int(ws::CloseCode::GoingAway), "ping timeout");
        }
    } else if (quiet >= o.ping_interval) {
        peer_->ping();
        ping_outstanding_ = true;
        state_since_ = now;
        after_send();
    }
}

void WebSocket::on_closed(const std::error_code& /*reason*/) {
    std::uint16_t code = to_int(ws::CloseCode::Abnormal);
    std::string reason;
    if (state_ == ReadyState::Connecting && client_) {
        reason = client_->error.empty() ? "connection closed during the opening handshake"
                                        : client_->error;
    } else if (peer_ && (peer_->state() == ws::PeerState::Closed || dropped_)) {
        code = peer_->close_code();
        reason = peer_->close_reason();
    }
    finish(code, reason);
}

void WebSocket::finish(std::uint16_t code, std::string_view reason) {
    state_ = ReadyState::Closed;
    unwatch_ticks();
    if (registry_) {
        registry_->remove(*this);
        registry_.reset();
    }
    std::vector<PendingPing>().swap(pings_);
    // Handlers often hold the connection itself: dropping this one breaks the cycle.
    const auto handler = std::move(handler_);
    callbacks_ = nullptr;
    if (handler) {
        handler->on_close(*this, code, reason);
    }
}

void WebSocket::report_error(std::string_view message) {
    if (handler_) {
        handler_->on_error(*this, message);
    }
}

}  // namespace herald::web
