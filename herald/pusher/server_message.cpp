#include "herald/pusher/server_message.h"

#include <unordered_set>

#include "herald/util/json_writer.h"

namespace herald::pusher {

namespace {

using util::JsonWriter;

constexpr std::string_view kConnectionEstablished = "pusher:connection_established";
constexpr std::string_view kSubscriptionSucceeded = "pusher_internal:subscription_succeeded";
constexpr std::string_view kSubscriptionError = "pusher:subscription_error";
constexpr std::string_view kMemberAdded = "pusher_internal:member_added";
constexpr std::string_view kMemberRemoved = "pusher_internal:member_removed";
constexpr std::string_view kError = "pusher:error";
constexpr std::string_view kSigninSuccess = "pusher:signin_success";
constexpr std::string_view kCacheMiss = "pusher:cache_miss";
constexpr std::string_view kSubscriptionCount = "pusher_internal:subscription_count";
constexpr std::string_view kWatchlistEvents = "pusher_internal:watchlist_events";

// {"event":<event>[,"channel":<channel>] and the writer positioned for more members.
JsonWriter& envelope(JsonWriter& w, std::string_view event,
                     std::optional<std::string_view> channel = std::nullopt) {
    w.begin_object().key("event").string(event);
    if (channel) {
        w.key("channel").string(*channel);
    }
    return w;
}

// A message whose data is the JSON text `inner` carried as a string (§3.2 double encoding).
std::string with_string_data(std::string_view event, std::optional<std::string_view> channel,
                             std::string_view inner) {
    JsonWriter w;
    envelope(w, event, channel).key("data").string(inner).end_object();
    return w.take();
}

std::string_view user_info_json(const Member& member) {
    if (member.user_info.empty()) {
        return "{}";
    }
    return member.user_info;
}

std::string_view type_name(SubscriptionErrorType type) {
    switch (type) {
        case SubscriptionErrorType::AuthError:
            return "AuthError";
        case SubscriptionErrorType::LimitReached:
            return "LimitReached";
        case SubscriptionErrorType::InvalidChannel:
            return "InvalidChannel";
        case SubscriptionErrorType::ServerError:
            return "ServerError";
    }
    return "ServerError";
}

std::string roster(std::span<const Member> members) {
    std::unordered_set<std::string_view> seen;
    std::vector<const Member*> distinct;
    for (const Member& m : members) {
        if (seen.insert(m.user_id).second) {
            distinct.push_back(&m);
        }
    }
    JsonWriter w;
    w.begin_object().key("presence").begin_object().key("ids").begin_array();
    for (const Member* m : distinct) {
        w.string(m->user_id);
    }
    w.end_array().key("hash").begin_object();
    for (const Member* m : distinct) {
        w.key(m->user_id).raw(user_info_json(*m));
    }
    w.end_object().key("count").number(distinct.size()).end_object().end_object();
    return w.take();
}

}  // namespace

std::string connection_established(std::string_view socket_id,
                                   std::chrono::seconds activity_timeout) {
    JsonWriter inner;
    inner.begin_object().key("socket_id").string(socket_id);
    inner.key("activity_timeout").number(activity_timeout.count()).end_object();
    return with_string_data(kConnectionEstablished, std::nullopt, inner.str());
}

std::string ping() {
    JsonWriter w;
    envelope(w, events::kPing).key("data").begin_object().end_object().end_object();
    return w.take();
}

std::string pong() {
    JsonWriter w;
    envelope(w, events::kPong).key("data").begin_object().end_object().end_object();
    return w.take();
}

std::string subscription_succeeded(std::string_view channel) {
    return with_string_data(kSubscriptionSucceeded, channel, "{}");
}

std::string presence_subscription_succeeded(std::string_view channel,
                                            std::span<const Member> members) {
    return with_string_data(kSubscriptionSucceeded, channel, roster(members));
}

std::string subscription_error(std::string_view channel, SubscriptionErrorType type,
                               std::string_view error, std::uint16_t status) {
    JsonWriter w;
    envelope(w, kSubscriptionError, channel).key("data").begin_object();
    w.key("type").string(type_name(type)).key("error").string(error);
    w.key("status").number(status).end_object().end_object();
    return w.take();
}

std::string member_added(std::string_view channel, const Member& member) {
    JsonWriter inner;
    inner.begin_object().key("user_id").string(member.user_id);
    inner.key("user_info").raw(user_info_json(member)).end_object();
    return with_string_data(kMemberAdded, channel, inner.str());
}

std::string member_removed(std::string_view channel, std::string_view user_id) {
    JsonWriter inner;
    inner.begin_object().key("user_id").string(user_id).end_object();
    return with_string_data(kMemberRemoved, channel, inner.str());
}

std::string pusher_error(ErrorCode code, std::string_view message,
                         std::optional<std::string_view> channel) {
    JsonWriter w;
    envelope(w, kError, channel).key("data").begin_object().key("code");
    if (code == ErrorCode::NoCode) {
        w.null();
    } else {
        w.number(to_int(code));
    }
    w.key("message").string(message).end_object().end_object();
    return w.take();
}

std::string signin_success(std::string_view user_data) {
    JsonWriter w;
    envelope(w, kSigninSuccess).key("data").begin_object().key("user_data").string(user_data);
    w.end_object().end_object();
    return w.take();
}

std::string cache_miss(std::string_view channel) {
    JsonWriter w;
    envelope(w, kCacheMiss, channel).end_object();
    return w.take();
}

std::string subscription_count(std::string_view channel, std::uint64_t count) {
    JsonWriter w;
    envelope(w, kSubscriptionCount, channel).key("data").begin_object();
    w.key("subscription_count").number(count).end_object().end_object();
    return w.take();
}

std::string watchlist_events(std::span<const WatchlistEvent> events) {
    JsonWriter w;
    envelope(w, kWatchlistEvents).key("data").begin_object().key("events").begin_array();
    for (const WatchlistEvent& e : events) {
        w.begin_object().key("name").string(e.status == WatchlistStatus::Online ? "online"
                                                                                : "offline");
        w.key("user_ids").begin_array();
        for (const std::string& id : e.user_ids) {
            w.string(id);
        }
        w.end_array().end_object();
    }
    w.end_array().end_object().end_object();
    return w.take();
}

std::string channel_event(std::string_view event, std::string_view channel, const EventData& data,
                          std::optional<std::string_view> user_id) {
    JsonWriter w;
    envelope(w, event, channel);
    switch (data.kind) {
        case EventData::Kind::Absent:
            break;
        case EventData::Kind::String:
            w.key("data").string(data.text);
            break;
        case EventData::Kind::Json:
            w.key("data").raw(data.text);
            break;
    }
    if (user_id) {
        w.key("user_id").string(*user_id);
    }
    w.end_object();
    return w.take();
}

}  // namespace herald::pusher
