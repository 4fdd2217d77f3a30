// herald/webhooks/event.h
//
// One webhook event (protocol.md §9.3) as a value, and its JSON form inside a request body.
// Field types follow §9.3: `data` and `user_id` are strings, `subscription_count` an integer.
// Owner: plain data, moved from the thread that creates it to the webhook thread.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "herald/util/json_writer.h"

namespace herald::webhooks {

enum class EventType : std::uint8_t {
    ChannelOccupied,
    ChannelVacated,
    MemberAdded,
    MemberRemoved,
    ClientEvent,
    CacheMiss,
    SubscriptionCount,
};

inline constexpr std::array<EventType, 7> kEventTypes = {
        EventType::ChannelOccupied,   EventType::ChannelVacated, EventType::MemberAdded,
        EventType::MemberRemoved,     EventType::ClientEvent,    EventType::CacheMiss,
        EventType::SubscriptionCount,
};

// The `name` of the event on the wire ("channel_occupied", ...).
[[nodiscard]] std::string_view name_of(EventType type) noexcept;
[[nodiscard]] std::optional<EventType> parse_event_type(std::string_view name) noexcept;

struct Event {
    EventType type = EventType::ChannelOccupied;
    std::string channel;
    std::string user_id;    // member_*; client_event on presence channels (else empty)
    std::string event;      // client_event: the client-* name
    std::string data;       // client_event: the data as a string (compact JSON for objects)
    std::string socket_id;  // client_event: the sender
    std::uint64_t subscription_count = 0;

    friend bool operator==(const Event&, const Event&) = default;
};

[[nodiscard]] Event channel_occupied(std::string channel);
[[nodiscard]] Event channel_vacated(std::string channel);
[[nodiscard]] Event member_added(std::string channel, std::string user_id);
[[nodiscard]] Event member_removed(std::string channel, std::string user_id);
[[nodiscard]] Event cache_miss(std::string channel);
[[nodiscard]] Event subscription_count(std::string channel, std::uint64_t count);
// `user_id` empty: not a presence channel, the member is left out (§9.3).
[[nodiscard]] Event client_event(std::string channel, std::string event, std::string data,
                                 std::string socket_id, std::string user_id);

// Writes the event object, members in the order of §9.3's examples.
void write_event(util::JsonWriter& out, const Event& event);

// Bytes the event takes in a body, roughly: for size accounting, not for framing.
[[nodiscard]] std::size_t approximate_size(const Event& event) noexcept;

}  // namespace herald::webhooks
