#include "herald/client/core.h"

#include <algorithm>
#include <utility>

#include "herald/pusher/channel.h"
#include "herald/pusher/limits.h"
#include "herald/pusher/server_message_reader.h"
#include "herald/util/json_writer.h"

namespace herald::client {

namespace {

using util::unexpected;

constexpr std::uint16_t kPongTimeoutCode = 4201;  // our own close reason for a silent server
constexpr std::uint16_t kNormalClose = 1000;
constexpr std::uint16_t kInvalidHandshake = 1002;  // a protocol error: backs off (§5.2)

std::string subscription_error_data(std::string_view type, std::string_view error) {
    util::JsonWriter w;
    w.begin_object().key("type").string(type).key("error").string(error).end_object();
    return w.take();
}

std::string member_data(const pusher::Member& member) {
    util::JsonWriter w;
    w.begin_object().key("user_id").string(member.user_id).key("user_info").raw(member.user_info);
    w.end_object();
    return w.take();
}

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
    if (!parsed) {
        return;  // not a message: dropped (§3.3 rule 1)
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
}

void Core::refuse(const std::string& channel, std::string_view type, std::string_view error) {
    if (auto* entry = channels_.find(channel)) {
        entry->status = ChannelStatus::Refused;
    }
    emit(std::string(pusher::events::kSubscriptionError), channel,
         subscription_error_data(type, error));
}

void Core::send_subscribe(const std::string& channel) {
    auto* entry = channels_.find(channel);
    if (entry == nullptr) {
        return;
    }
    const auto kind = pusher::classify_channel(channel);
    pusher::Subscribe subscribe{channel, "", std::nullopt};
    if (pusher::is_encrypted(kind)) {
        refuse(channel, "AuthError", "encrypted channels are not supported yet");
        return;
    }
    if (pusher::requires_auth(kind)) {
        if (!hooks_.authorize) {
            refuse(channel, "AuthError", "no authorizer for a private or presence channel");
            return;
        }
        const AuthResult result = hooks_.authorize(socket_id_, channel);
        entry = channels_.find(channel);  // the authorizer may have unsubscribed it
        if (entry == nullptr || !established_) {
            return;
        }
        if (!result) {
            refuse(channel, "AuthError", result.error());
            return;
        }
        auto authorization = pusher::read_authorization(*result);
        if (!authorization) {
            refuse(channel, "AuthError", "the authorizer's answer is not {\"auth\": ...} JSON");
            return;
        }
        if (pusher::is_presence(kind)) {
            if (!authorization->channel_data) {
                refuse(channel, "AuthError", "a presence authorization needs channel_data");
                return;
            }
            const auto member = pusher::parse_channel_data(*authorization->channel_data);
            if (!member) {
                refuse(channel, "AuthError", pusher::describe(member.error()));
                return;
            }
            entry->my_user_id = member->user_id;
        }
        subscribe.auth = std::move(authorization->auth);
        subscribe.channel_data = std::move(authorization->channel_data);
    }
    entry->status = ChannelStatus::Pending;
    hooks_.send(pusher::serialize(subscribe));
}

void Core::channel_message(const std::string& event, const std::string& channel,
                           const pusher::EventData& data, std::optional<std::string> user_id) {
    auto* entry = channels_.find(channel);
    if (entry == nullptr) {
        return;  // not (or no longer) ours
    }
    if (event == pusher::events::kInternalSubscriptionSucceeded) {
        entry->status = ChannelStatus::Subscribed;
        std::string text(pusher::data_text(data));
        if (pusher::is_presence(pusher::classify_channel(channel))) {
            const auto roster = pusher::read_presence_roster(data);
            entry->members.reset(roster.value_or(std::vector<pusher::Member>{}), entry->my_user_id);
        }
        emit(std::string(pusher::events::kSubscriptionSucceeded), channel,
             text.empty() ? "{}" : std::move(text));
        return;
    }
    if (event == pusher::events::kInternalMemberAdded ||
        event == pusher::events::kInternalMemberRemoved) {
        const auto member = pusher::read_member(data);
        if (!member) {
            return;
        }
        const bool added = event == pusher::events::kInternalMemberAdded;
        const bool changed =
                added ? entry->members.add(*member) : entry->members.remove(member->user_id);
        if (changed || added) {
            emit(std::string(added ? pusher::events::kMemberAdded : pusher::events::kMemberRemoved),
                 channel, member_data(*member), member->user_id);
        }
        return;
    }
    if (event == pusher::events::kInternalSubscriptionCount) {
        emit(std::string(pusher::events::kSubscriptionCount), channel,
             std::string(pusher::data_text(data)));
        return;
    }
    if (event.starts_with("pusher_internal:")) {
        return;  // internal events the client does not use (yet)
    }
    if (event == pusher::events::kSubscriptionError) {
        entry->status = ChannelStatus::Refused;
    }
    emit(event, channel, std::string(pusher::data_text(data)), std::move(user_id));
}

void Core::emit(std::string event, std::string channel, std::string data,
                std::optional<std::string> user_id) {
    if (hooks_.event) {
        hooks_.event(
                Event{std::move(event), std::move(channel), std::move(data), std::move(user_id)});
    }
}

util::Result<void, std::string> Core::subscribe(std::string_view channel) {
    if (const auto error =
                pusher::check_channel_name(channel, pusher::kLenientMaxChannelNameLength)) {
        return unexpected(std::string(pusher::describe(*error)));
    }
    if (pusher::classify_channel(channel) == pusher::ChannelKind::ServerToUser) {
        return unexpected(std::string("#server-to-user- channels come with sign-in"));
    }
    if (channels_.add(channel) && established_) {
        send_subscribe(std::string(channel));
    }
    return {};
}

void Core::unsubscribe(std::string_view channel) {
    const auto entry = channels_.remove(channel);
    if (!entry || !established_) {
        return;
    }
    // The server handles messages in order: an unsubscribe behind a pending subscribe undoes it,
    // and the late subscription_succeeded is ignored since the channel is no longer ours.
    if (entry->status == ChannelStatus::Pending || entry->status == ChannelStatus::Subscribed) {
        hooks_.send(pusher::serialize(pusher::Unsubscribe{std::string(channel)}));
    }
}

util::Result<void, std::string> Core::trigger(std::string_view channel, std::string_view event,
                                              std::string_view data_json, Clock::time_point now) {
    if (!pusher::is_client_event_name(event)) {
        return unexpected(std::string("client event names start with client-"));
    }
    if (!pusher::accepts_client_events(pusher::classify_channel(channel))) {
        return unexpected(std::string("client events go on private and presence channels only"));
    }
    if (!established_) {
        return unexpected(std::string("not connected"));
    }
    const auto status = channels_.status(channel);
    if (!status || *status != ChannelStatus::Subscribed) {
        return unexpected(std::string("not subscribed to ") + std::string(channel));
    }
    if (pusher::check_event_name(event)) {
        return unexpected(std::string("the event name is too long"));
    }
    if (data_json.size() > pusher::kMaxEventDataBytes) {
        return unexpected(std::string("the data is over 10 KB"));
    }
    const std::string text =
            pusher::serialize(pusher::ClientEvent{std::string(event), std::string(channel),
                                                  pusher::EventData::json(std::string(data_json))});
    if (!pusher::parse_client_message(text)) {
        return unexpected(std::string("the data is not JSON"));
    }
    while (!client_events_.empty() && now - client_events_.front() >= std::chrono::seconds(1)) {
        client_events_.pop_front();
    }
    if (client_events_.size() >= pusher::kMaxClientEventsPerSecond) {
        return unexpected(std::string("over 10 client events a second"));
    }
    client_events_.push_back(now);
    hooks_.send(text);
    return {};
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
