// herald/pusher/channel.h
//
// Channel kinds by name prefix (protocol.md §6.1) and channel name rules (§6.2, §4.12).
// Classification is total: every byte string has exactly one kind, whether or not it is a valid
// name; validation is a separate question.
// Owner: none (pure functions).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "herald/pusher/limits.h"

namespace herald::pusher {

enum class ChannelKind : std::uint8_t {
    Public,                 // anything without a known prefix
    PublicCache,            // cache-
    Private,                // private-
    PrivateCache,           // private-cache-
    PrivateEncrypted,       // private-encrypted-
    PrivateEncryptedCache,  // private-encrypted-cache-
    Presence,               // presence-
    PresenceCache,          // presence-cache-
    ServerToUser,           // #server-to-user-<user id>
};

inline constexpr std::string_view kServerToUserPrefix = "#server-to-user-";

// §6.1: the kind of `name`, longest prefix first. Total and noexcept for any input.
[[nodiscard]] ChannelKind classify_channel(std::string_view name) noexcept;

// The prefix that selects `kind` ("" for Public).
[[nodiscard]] std::string_view channel_prefix(ChannelKind kind) noexcept;

// A short lower-case name for logs and errors ("private-encrypted-cache").
[[nodiscard]] std::string_view describe(ChannelKind kind) noexcept;

// Subscribing needs a signature (§7.2/§7.3): every private-, private-encrypted- and presence- kind.
[[nodiscard]] bool requires_auth(ChannelKind kind) noexcept;

[[nodiscard]] bool is_presence(ChannelKind kind) noexcept;

[[nodiscard]] bool is_encrypted(ChannelKind kind) noexcept;

// §6.7: replays its last REST event to new subscribers.
[[nodiscard]] bool is_cache(ChannelKind kind) noexcept;

// §4.9: client events are accepted on private and presence kinds (cache forms included), not on
// public, encrypted (clients cannot encrypt them) or #server-to-user- channels.
[[nodiscard]] bool accepts_client_events(ChannelKind kind) noexcept;

enum class ChannelNameError : std::uint8_t {
    Empty,
    TooLong,
    InvalidCharacter,   // outside [A-Za-z0-9_\-=@,.;]
    EmptyServerUserId,  // "#server-to-user-" with nothing after it
};

// §6.2: a valid name is 1..max_length bytes of [A-Za-z0-9_\-=@,.;], or the reserved
// "#server-to-user-" prefix followed by a non-empty user id in the same set (§4.12), the whole
// name within max_length. nullopt when valid.
[[nodiscard]] std::optional<ChannelNameError> check_channel_name(
        std::string_view name, std::size_t max_length = kMaxChannelNameLength) noexcept;

[[nodiscard]] bool is_valid_channel_name(std::string_view name,
                                         std::size_t max_length = kMaxChannelNameLength) noexcept;

// A sentence for pusher:subscription_error / pusher:error messages.
[[nodiscard]] std::string_view describe(ChannelNameError error) noexcept;

// §6.2: one byte of the channel-name (and user-id) character set.
[[nodiscard]] bool is_channel_name_char(char c) noexcept;

// The user id of a "#server-to-user-<id>" name; nullopt for any other kind.
[[nodiscard]] std::optional<std::string_view> server_to_user_id(std::string_view name) noexcept;

// "#server-to-user-<user_id>" (§4.12); the caller validates the result if it must.
[[nodiscard]] std::string server_to_user_channel(std::string_view user_id);

}  // namespace herald::pusher
