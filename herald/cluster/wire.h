// herald/cluster/wire.h
//
// The messages nodes exchange through Redis Pub/Sub, as bytes: "H1", a kind letter, then each
// field as "<decimal length>:<bytes>". The Lua script in redis_script.cpp writes the same format.
// Decoding never trusts a length: a message that does not parse exactly is rejected whole.
// Owner: none (pure functions and plain data).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace herald::cluster {

// A publication to deliver on the receiving nodes (kind 'E').
struct EventMessage {
    std::string node;  // origin: it delivered locally already
    std::string app_id;
    std::string channel;
    std::string exclude;  // socket id that must not receive it; empty: none
    std::string event;    // cache channels only: the event name and data to remember
    std::string data;
    std::string payload;  // the complete server message (JSON text)

    friend bool operator==(const EventMessage&, const EventMessage&) = default;
};

// Close the user's connections (kind 'T').
struct TerminateMessage {
    std::string node;
    std::string app_id;
    std::string user_id;

    friend bool operator==(const TerminateMessage&, const TerminateMessage&) = default;
};

enum class Transition : std::uint8_t {
    None = 0,
    Added = 1,    // occupied, or member_added
    Removed = 2,  // vacated, or member_removed
};

// A node's subscription count on a channel, set by the script (kind 'C').
struct CountMessage {
    std::string owner;  // whose contribution
    std::string by;     // the node that ran the script (the owner, or the reaper)
    std::uint64_t seq = 0;
    std::string app_id;
    std::string channel;
    std::uint64_t count = 0;
    Transition transition = Transition::None;

    friend bool operator==(const CountMessage&, const CountMessage&) = default;
};

// Whether a user is a member on a node, set by the script (kind 'M').
struct MemberMessage {
    std::string owner;
    std::string by;
    std::uint64_t seq = 0;
    std::string app_id;
    std::string channel;
    std::string user_id;
    bool present = false;
    std::string user_info;  // JSON text; empty when removed
    Transition transition = Transition::None;
    std::string exclude;  // the connection whose join caused it (not told member_added)

    friend bool operator==(const MemberMessage&, const MemberMessage&) = default;
};

// A node's contributions were all removed (kind 'G').
struct GoneMessage {
    std::string owner;
    std::string by;

    friend bool operator==(const GoneMessage&, const GoneMessage&) = default;
};

using WireMessage =
        std::variant<EventMessage, TerminateMessage, CountMessage, MemberMessage, GoneMessage>;

// The messages the cluster script publishes: what the presence store receives.
using PresenceMessage = std::variant<CountMessage, MemberMessage, GoneMessage>;

[[nodiscard]] std::string encode(const WireMessage& message);

// nullopt: not a well-formed message of a known kind.
[[nodiscard]] std::optional<WireMessage> decode(std::string_view bytes);

}  // namespace herald::cluster
