#include "herald/client/core.h"

#include <algorithm>
#include <utility>

#include "herald/pusher/channel.h"
#include "herald/pusher/limits.h"
#include "herald/pusher/server_message_reader.h"

namespace herald::client {

namespace {

constexpr std::uint16_t kPongTimeoutCode = 4201;  // our own close reason for a silent server
constexpr std::uint16_t kNormalClose = 1000;
constexpr std::uint16_t kInvalidHandshake = 1002;  // a protocol error: backs off (§5.2)

}  // namespace

std::string_view to_string(State state) noexcept {
    switch (state) {
        case State::Initialized:
            return "initialized";
        case State::Connecting:
            return "connecting";
        case State::Connected:
            return "connected";
        case State::Unavailable:
            return "unavailable";
        case State::Failed:
            return "failed";
        case State::Disconnected:
            return "disconnected";
    }
    return "unknown";
}

Core::Core(Timeouts timeouts, CoreHooks hooks)
    : timeouts_(timeouts),
      hooks_(std::move(hooks)),
      backoff_(timeouts.first_backoff, timeouts.max_backoff),
      activity_(timeouts.activity) {}

void Core::set_state(State state) {
    if (state == state_) {
        return;
    }
    const State previous = std::exchange(state_, state);
    if (hooks_.state_changed) {
        hooks_.state_changed(previous, state);
    }
}

void Core::connect(Clock::time_point now) {
    if (state_ == State::Connecting || state_ == State::Connected || state_ == State::Unavailable) {
        return;
    }
    backoff_.reset();
    connecting_since_ = now;
    set_state(State::Connecting);
    open_socket(now);
}

void Core::disconnect() {
    if (socket_open_) {
        socket_open_ = false;
        hooks_.drop(kNormalClose);
    }
    established_ = false;
    retry_at_.reset();
    socket_id_.clear();
    channels_.connection_lost();
    signed_out();
    if (state_ != State::Initialized) {
        set_state(State::Disconnected);
    }
}

void Core::open_socket(Clock::time_point now) {
    retry_at_.reset();
    socket_open_ = true;
    established_ = false;
    ping_sent_ = false;
    last_received_ = now;
    hooks_.open();
}

void Core::lose(AfterClose action, Clock::time_point now) {
    const bool was_connected = established_;
    socket_open_ = false;
    established_ = false;
    ping_sent_ = false;
    socket_id_.clear();
    channels_.connection_lost();
    signed_out();
    if (action == AfterClose::Tls) {
        action = hooks_.use_tls && hooks_.use_tls() ? AfterClose::Now : AfterClose::Fail;
    }
    if (action == AfterClose::Fail) {
        retry_at_.reset();
        set_state(State::Failed);
        return;
    }
    if (was_connected || state_ != State::Unavailable) {
        if (was_connected) {
            connecting_since_ = now;
        }
        set_state(State::Connecting);
    }
    if (action == AfterClose::Now) {
        open_socket(now);
        return;
    }
    const double unit = hooks_.random ? hooks_.random() : 0.5;
    retry_at_ = now + backoff_.next(unit);
}

void Core::socket_closed(std::uint16_t code, Clock::time_point now) {
    if (!socket_open_) {
        return;
    }
    lose(after_close(code), now);
}

void Core::socket_message(std::string_view text, Clock::time_point now) {
    if (!socket_open_) {
        return;
    }
    last_received_ = now;  // any message proves the server alive (§10.3)
    ping_sent_ = false;
    auto parsed = pusher::parse_server_message(text);
    if (!parsed || parsed->event.empty()) {
        return;  // not a message, or one that names no event: dropped (§3.3 rule 1)
    }
    auto& message = *parsed;
    if (!established_) {
        handshake(message.event, message.data, now);
        return;
    }
    if (message.event == pusher::events::kPing) {
        hooks_.send(pusher::serialize(pusher::Pong{}));
        return;
    }
    if (message.event == pusher::events::kPong) {
        return;
    }
    if (message.event == pusher::events::kError) {
        // After the handshake an error is reported and changes nothing (§4.10).
        emit(std::string(pusher::events::kError), message.channel.value_or(""),
             std::string(pusher::data_text(message.data)));
        return;
    }
    if (user_message(message)) {
        return;
    }
    if (message.channel) {
        channel_message(message.event, *message.channel, message.data, std::move(message.user_id));
    }
}

void Core::handshake(const std::string& event, const pusher::EventData& data,
                     Clock::time_point now) {
    if (event == pusher::events::kConnectionEstablished) {
        const auto established = pusher::read_connection_established(data);
        if (!established) {
            hooks_.drop(kInvalidHandshake);
            lose(AfterClose::Backoff, now);
            return;
        }
        const auto server = std::chrono::duration_cast<std::chrono::milliseconds>(
                established->activity_timeout);
        this->established(established->socket_id, std::min(timeouts_.activity, server));
        return;
    }
    if (event == pusher::events::kError) {
        // §4.10: during the handshake the error's code decides as a close code would.
        const auto error = pusher::read_server_error(data);
        emit(std::string(pusher::events::kError), "", std::string(pusher::data_text(data)));
        if (!socket_open_) {
            return;  // the application disconnected from its callback
        }
        const std::uint16_t code = error.code.value_or(kInvalidHandshake);
        hooks_.drop(code);
        lose(after_close(code), now);
        return;
    }
    hooks_.drop(kInvalidHandshake);  // §10.5: the first frame must be one of those two
    lose(AfterClose::Backoff, now);
}

void Core::established(std::string socket_id, std::chrono::milliseconds activity) {
    established_ = true;
    socket_id_ = std::move(socket_id);
    activity_ = activity;
    backoff_.reset();
    retry_at_.reset();
    set_state(State::Connected);
    for (const auto& name : channels_.waiting()) {
        if (!established_) {
            return;  // a callback disconnected
        }
        send_subscribe(name);
    }
    if (signin_requested_ && established_) {
        start_signin();  // §10.7 step 5: every new connection signs in again
    }
}

void Core::emit(std::string event, std::string channel, std::string data,
                std::optional<std::string> user_id) {
    if (hooks_.event) {
        hooks_.event(
                Event{std::move(event), std::move(channel), std::move(data), std::move(user_id)});
    }
}

std::optional<Clock::time_point> Core::next_deadline() const {
    std::optional<Clock::time_point> deadline = retry_at_;
    const auto earliest = [&deadline](Clock::time_point t) {
        deadline = deadline ? std::min(*deadline, t) : t;
    };
    if (established_) {
        earliest(ping_sent_ ? ping_sent_at_ + timeouts_.pong : last_received_ + activity_);
    }
    if (state_ == State::Connecting) {
        earliest(connecting_since_ + timeouts_.unavailable);
    }
    return deadline;
}

void Core::tick(Clock::time_point now) {
    if (state_ == State::Connecting && now >= connecting_since_ + timeouts_.unavailable) {
        set_state(State::Unavailable);
    }
    if (established_) {
        if (!ping_sent_ && now >= last_received_ + activity_) {
            ping_sent_ = true;
            ping_sent_at_ = now;
            hooks_.send(pusher::serialize(pusher::Ping{}));
        } else if (ping_sent_ && now >= ping_sent_at_ + timeouts_.pong) {
            hooks_.drop(kPongTimeoutCode);  // §10.3: lost; reconnect at once
            lose(AfterClose::Now, now);
            return;
        }
    }
    if (retry_at_ && now >= *retry_at_) {
        open_socket(now);
    }
}

}  // namespace herald::client