// herald/client/core_channels.cpp
//
// The channel half of the Core (core.h): subscriptions, authorization, channel events, presence
// members and client events (protocol.md §4.3-§4.9, §7, §10.6).
#include <utility>

#include "herald/client/core.h"
#include "herald/pusher/channel.h"
#include "herald/pusher/limits.h"
#include "herald/pusher/server_message_reader.h"
#include "herald/util/json_writer.h"

namespace herald::client {

namespace {

using util::unexpected;

std::string subscription_error_data(std::string_view type, std::string_view error,
                                    int http_status) {
    util::JsonWriter w;
    w.begin_object().key("type").string(type).key("error").string(error);
    if (http_status != 0) {
        w.key("status").number(http_status);
    }
    w.end_object();
    return w.take();
}

std::string member_data(const pusher::Member& member) {
    util::JsonWriter w;
    w.begin_object().key("user_id").string(member.user_id).key("user_info").raw(member.user_info);
    w.end_object();
    return w.take();
}

}  // namespace

void Core::refuse(const std::string& channel, std::string_view type, std::string_view error,
                  int http_status) {
    if (auto* entry = channels_.find(channel)) {
        entry->status = ChannelStatus::Refused;
    }
    emit(std::string(pusher::events::kSubscriptionError), channel,
         subscription_error_data(type, error, http_status));
}

void Core::send_subscribe(const std::string& channel) {
    auto* entry = channels_.find(channel);
    if (entry == nullptr) {
        return;
    }
    const auto kind = pusher::classify_channel(channel);
    pusher::Subscribe subscribe{channel, "", std::nullopt};
    if (pusher::requires_auth(kind)) {
        if (!hooks_.authorize && hooks_.authorize_async) {
            entry->status = ChannelStatus::Authorizing;
            hooks_.authorize_async(socket_id_, channel);
            return;
        }
        if (!hooks_.authorize) {
            refuse(channel, "AuthError", "no authorizer for a private or presence channel");
            return;
        }
        const AuthResult result = hooks_.authorize(socket_id_, channel);
        entry = channels_.find(channel);  // the authorizer may have unsubscribed it
        if (entry == nullptr || !established_) {
            return;
        }
        subscribe_authorized(channel, result, 0);
        return;
    }
    entry->status = ChannelStatus::Pending;
    hooks_.send(pusher::serialize(subscribe));
}

void Core::authorized(std::string_view socket_id, std::string_view channel,
                      const AuthResult& result, int http_status) {
    const std::string name(channel);
    const auto* entry = channels_.find(name);
    if (entry == nullptr || !established_ || socket_id != socket_id_) {
        return;  // unsubscribed, or asked for an earlier connection
    }
    if (entry->rekeying) {
        rekeyed(name, result);
        return;
    }
    if (entry->status == ChannelStatus::Authorizing) {
        subscribe_authorized(name, result, http_status);
    }
}

void Core::subscribe_authorized(const std::string& channel, const AuthResult& result,
                                int http_status) {
    auto* entry = channels_.find(channel);
    if (!result) {
        refuse(channel, "AuthError", result.error(), http_status);
        return;
    }
    auto authorization = pusher::read_authorization(*result);
    if (!authorization) {
        refuse(channel, "AuthError", "the authorizer's answer is not {\"auth\": ...} JSON",
               http_status);
        return;
    }
    pusher::Subscribe subscribe{channel, "", std::nullopt};
    if (pusher::is_presence(pusher::classify_channel(channel))) {
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
    if (pusher::is_encrypted(pusher::classify_channel(channel))) {
        auto key = channel_key(*authorization);
        if (!key) {
            refuse(channel, "AuthError", key.error(), http_status);
            return;
        }
        entry->key = std::move(*key);
    }
    subscribe.auth = std::move(authorization->auth);
    subscribe.channel_data = std::move(authorization->channel_data);
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
    if (pusher::is_encrypted(pusher::classify_channel(channel)) && !event.starts_with("pusher:")) {
        encrypted_event(channel, event, std::string(pusher::data_text(data)));
        return;
    }
    emit(event, channel, std::string(pusher::data_text(data)), std::move(user_id));
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
    if (pusher::is_encrypted(pusher::classify_channel(channel))) {
        // pusher-js refuses them too: the server cannot tell a sealed payload from a forged one.
        return unexpected(std::string("client events are not supported on encrypted channels"));
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

}  // namespace herald::client
