#include "herald/webhooks/event.h"

#include <utility>

namespace herald::webhooks {

namespace {

constexpr std::array<std::string_view, kEventTypes.size()> kNames = {
        "channel_occupied", "channel_vacated", "member_added",       "member_removed",
        "client_event",     "cache_miss",      "subscription_count",
};

Event with_channel(EventType type, std::string channel) {
    Event e;
    e.type = type;
    e.channel = std::move(channel);
    return e;
}

}  // namespace

std::string_view name_of(EventType type) noexcept {
    return kNames[static_cast<std::size_t>(type)];
}

std::optional<EventType> parse_event_type(std::string_view name) noexcept {
    for (std::size_t i = 0; i < kNames.size(); ++i) {
        if (kNames[i] == name) {
            return kEventTypes[i];
        }
    }
    return std::nullopt;
}

Event channel_occupied(std::string channel) {
    return with_channel(EventType::ChannelOccupied, std::move(channel));
}

Event channel_vacated(std::string channel) {
    return with_channel(EventType::ChannelVacated, std::move(channel));
}

Event member_added(std::string channel, std::string user_id) {
    auto e = with_channel(EventType::MemberAdded, std::move(channel));
    e.user_id = std::move(user_id);
    return e;
}

Event member_removed(std::string channel, std::string user_id) {
    auto e = with_channel(EventType::MemberRemoved, std::move(channel));
    e.user_id = std::move(user_id);
    return e;
}

Event cache_miss(std::string channel) {
    return with_channel(EventType::CacheMiss, std::move(channel));
}

Event subscription_count(std::string channel, std::uint64_t count) {
    auto e = with_channel(EventType::SubscriptionCount, std::move(channel));
    e.subscription_count = count;
    return e;
}

Event client_event(std::string channel, std::string event, std::string data, std::string socket_id,
                   std::string user_id) {
    auto e = with_channel(EventType::ClientEvent, std::move(channel));
    e.event = std::move(event);
    e.data = std::move(data);
    e.socket_id = std::move(socket_id);
    e.user_id = std::move(user_id);
    return e;
}

void write_event(util::JsonWriter& out, const Event& event) {
    out.begin_object().key("name").string(name_of(event.type));
    out.key("channel").string(event.channel);
    switch (event.type) {
        case EventType::MemberAdded:
        case EventType::MemberRemoved:
            out.key("user_id").string(event.user_id);
            break;
        case EventType::ClientEvent:
            out.key("event").string(event.event).key("data").string(event.data);
            out.key("socket_id").string(event.socket_id);
            if (!event.user_id.empty()) {
                out.key("user_id").string(event.user_id);
            }
            break;
        case EventType::SubscriptionCount:
            out.key("subscription_count").number(event.subscription_count);
            break;
        case EventType::ChannelOccupied:
        case EventType::ChannelVacated:
        case EventType::CacheMiss:
            break;
    }
    out.end_object();
}

std::size_t approximate_size(const Event& event) noexcept {
    constexpr std::size_t kOverhead = 96;  // member names, quotes and punctuation
    return kOverhead + event.channel.size() + event.user_id.size() + event.event.size() +
           event.data.size() + event.socket_id.size();
}

}  // namespace herald::webhooks
