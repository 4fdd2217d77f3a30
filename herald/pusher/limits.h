// herald/pusher/limits.h
//
// The protocol's default limits and timings (protocol.md §6.10 and the sections cited on each),
// one named constant per limit. Servers make them configurable per app; these are the defaults.
// Owner: none (constants).
#pragma once

#include <chrono>
#include <cstddef>

namespace herald::pusher {

// §6.2: channel names are at most 164 characters including the prefix, the documented limit
// (and what the acceptance suite expects).
inline constexpr std::size_t kMaxChannelNameLength = 164;

// §6.2, §14 D2: the official SDKs and most open-source servers let 200 through; a lenient
// deployment may configure this instead.
inline constexpr std::size_t kLenientMaxChannelNameLength = 200;

// §6.9: event names (REST and client events).
inline constexpr std::size_t kMaxEventNameLength = 200;

// §6.9: bytes of an event's `data` (the REST string, or a client event's serialized data).
inline constexpr std::size_t kMaxEventDataBytes = 10 * 1024;

// §2.6: a whole incoming client message; room for 10 KB of data plus envelope and escaping.
inline constexpr std::size_t kMaxClientMessageBytes = 20 * 1024;

// §11.6 asks for a bound on JSON nesting; Herald's choice, far above what clients send.
inline constexpr std::size_t kMaxJsonDepth = 64;

// §8.4: channels named by one REST trigger.
inline constexpr std::size_t kMaxChannelsPerTrigger = 100;

// §8.5: events in one batch trigger.
inline constexpr std::size_t kMaxBatchEvents = 10;

// §4.9: client events accepted per connection per second; more get pusher:error 4301.
inline constexpr std::size_t kMaxClientEventsPerSecond = 10;

// §6.5.3: distinct users in one presence channel.
inline constexpr std::size_t kMaxPresenceMembers = 100;

// §6.5.3: bytes of a presence member's user_info, measured on its JSON serialisation.
inline constexpr std::size_t kMaxUserInfoBytes = 1024;

// §6.5.3: characters of a presence user_id.
inline constexpr std::size_t kMaxUserIdLength = 128;

// §4.13: user ids accepted from a sign-in watchlist; the rest are dropped with pusher:error 4302.
inline constexpr std::size_t kMaxWatchlistSize = 100;

// §2.3, RFC 6455 §5.5: close reasons fit a 125-byte control frame after the 2-byte code.
inline constexpr std::size_t kMaxCloseReasonBytes = 123;

// §2.4: activity_timeout announced in pusher:connection_established (never 0).
inline constexpr std::chrono::seconds kActivityTimeout{120};

// §4.2: how long to wait for any reply after pinging before closing with 4201.
inline constexpr std::chrono::seconds kPongTimeout{30};

// §6.7: how long a cache channel keeps its last event.
inline constexpr std::chrono::seconds kCacheTtl{1800};

// §8.2: REST requests are accepted while |now - auth_timestamp| is strictly below this.
inline constexpr std::chrono::seconds kRestTimestampWindow{600};

// §9.4, §6.10: delay before channel_vacated / member_removed webhooks.
inline constexpr std::chrono::seconds kWebhookDelay{3};

// §4.15: above this many subscribers, subscription_count is broadcast at most once per interval.
inline constexpr std::size_t kSubscriptionCountThrottleAbove = 100;
inline constexpr std::chrono::seconds kSubscriptionCountInterval{5};

// §6.10: time allowed to sign in or join a private channel when authorization is mandatory.
inline constexpr std::chrono::seconds kAuthorizedConnectionTimeout{30};

// §2.2: protocol versions spoken (5-7 share one wire format); 7 is current.
inline constexpr int kMinProtocolVersion = 5;
inline constexpr int kMaxProtocolVersion = 7;

}  // namespace herald::pusher
