// herald/pusher/server_message.h
//
// Server-to-client messages (protocol.md §3.4, §4), written as compact JSON exactly in the form
// the table of §3.2 prescribes event by event: connection_established, subscription_succeeded,
// member_added and member_removed carry `data` as a JSON *string*; pusher:error, signin_success,
// subscription_error, subscription_count and watchlist events carry an *object*; REST-published
// events carry the publisher's string verbatim, relayed client events their data as received.
// Framing the text as a WebSocket frame is the caller's job.
// Owner: none (pure functions).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "herald/pusher/error_code.h"
#include "herald/pusher/member.h"
#include "herald/pusher/message.h"

namespace herald::pusher {

// §2.4: the first frame of every connection. `activity_timeout` must not be zero.
[[nodiscard]] std::string connection_established(std::string_view socket_id,
                                                 std::chrono::seconds activity_timeout);

// §4.2: {"event":"pusher:ping","data":{}} and the pong answer.
[[nodiscard]] std::string ping();
[[nodiscard]] std::string pong();

// §4.4, non-presence: data is the string "{}" (§14 D21).
[[nodiscard]] std::string subscription_succeeded(std::string_view channel);

// §4.4, presence: the roster as {"presence":{"ids","hash","count"}} encoded into a string.
// Repeated user ids are listed once (the first wins), keeping count == ids == hash (§11.3).
[[nodiscard]] std::string presence_subscription_succeeded(std::string_view channel,
                                                          std::span<const Member> members);

enum class SubscriptionErrorType : std::uint8_t {
    AuthError,
    LimitReached,
    InvalidChannel,
    ServerError,
};

// §4.5, the channel-scoped refusal: data {"type","error","status"}.
[[nodiscard]] std::string subscription_error(std::string_view channel, SubscriptionErrorType type,
                                             std::string_view error, std::uint16_t status);

// §4.7: data strings {"user_id","user_info"} and {"user_id"}.
[[nodiscard]] std::string member_added(std::string_view channel, const Member& member);
[[nodiscard]] std::string member_removed(std::string_view channel, std::string_view user_id);

// §4.10: data {"code":<int or null>,"message"}; NoCode writes null. The optional channel lets
// pusher-js also raise the error on that channel (§4.9).
[[nodiscard]] std::string pusher_error(ErrorCode code, std::string_view message,
                                       std::optional<std::string_view> channel = std::nullopt);

// §4.11: data {"user_data": <the exact string that was signed>}.
[[nodiscard]] std::string signin_success(std::string_view user_data);

// §4.14: no data.
[[nodiscard]] std::string cache_miss(std::string_view channel);

// §4.15: data {"subscription_count": n}.
[[nodiscard]] std::string subscription_count(std::string_view channel, std::uint64_t count);

enum class WatchlistStatus : std::uint8_t {
    Online,
    Offline,
};

struct WatchlistEvent {
    WatchlistStatus status = WatchlistStatus::Online;
    std::vector<std::string> user_ids;
};

// §4.13: {"event":"pusher_internal:watchlist_events","data":{"events":[{"name","user_ids"}...]}}.
[[nodiscard]] std::string watchlist_events(std::span<const WatchlistEvent> events);

// §4.8, §4.9, §3.4: an event on a channel. A String is re-embedded as a JSON string (never
// reparsed), Json is copied as received, Absent omits data. `user_id` is added only for client
// events relayed on presence channels, from server state.
[[nodiscard]] std::string channel_event(std::string_view event, std::string_view channel,
                                        const EventData& data,
                                        std::optional<std::string_view> user_id = std::nullopt);

}  // namespace herald::pusher
