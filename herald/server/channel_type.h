// herald/server/channel_type.h
//
// Labels of the hub's own metrics. EventSource: where a published event came from.
// ChannelType, the `type` label of herald_channels: the protocol's channel kinds folded into the
// five an operator tells apart. A cache channel counts as cache whatever else it is; a user's
// #server-to-user channel is internal and not counted.
// Owner: none (pure functions).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "herald/pusher/channel.h"

namespace herald::server {

// herald_events_published_total's `source`: where an event entered this node.
enum class EventSource : std::uint8_t {
    Rest,
    Client,
    Cluster
};

inline constexpr std::size_t kEventSources = 3;

enum class ChannelType : std::uint8_t {
    Public,
    Private,
    Presence,
    Encrypted,
    Cache
};

inline constexpr std::size_t kChannelTypes = 5;

[[nodiscard]] constexpr std::string_view channel_type_name(ChannelType type) noexcept {
    switch (type) {
        case ChannelType::Public:
            return "public";
        case ChannelType::Private:
            return "private";
        case ChannelType::Presence:
            return "presence";
        case ChannelType::Encrypted:
            return "encrypted";
        case ChannelType::Cache:
            return "cache";
    }
    return "public";
}

[[nodiscard]] inline std::optional<ChannelType> channel_type(pusher::ChannelKind kind) noexcept {
    using pusher::ChannelKind;
    switch (kind) {
        case ChannelKind::Public:
            return ChannelType::Public;
        case ChannelKind::Private:
            return ChannelType::Private;
        case ChannelKind::PrivateEncrypted:
            return ChannelType::Encrypted;
        case ChannelKind::Presence:
            return ChannelType::Presence;
        case ChannelKind::PublicCache:
        case ChannelKind::PrivateCache:
        case ChannelKind::PrivateEncryptedCache:
        case ChannelKind::PresenceCache:
            return ChannelType::Cache;
        case ChannelKind::ServerToUser:
            return std::nullopt;
    }
    return std::nullopt;
}

}  // namespace herald::server
