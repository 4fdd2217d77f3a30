// herald/pusher/server_message_reader.h
//
// The client's side of server-to-client messages (protocol.md §3.3, §4): one server frame parsed
// into its envelope, and the payloads a client acts on (connection_established, pusher:error,
// the presence roster, member_added / member_removed) read from its `data`, whichever of the two
// forms of §3.2 (a JSON string or an object) it came in. Also the authorization an application
// server returns (§7.6). Writing these messages is server_message.h's job.
// Owner: none (pure functions).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "herald/pusher/member.h"
#include "herald/pusher/message.h"
#include "herald/util/result.h"

namespace herald::pusher {

namespace events {
inline constexpr std::string_view kConnectionEstablished = "pusher:connection_established";
inline constexpr std::string_view kError = "pusher:error";
inline constexpr std::string_view kInternalSubscriptionSucceeded =
        "pusher_internal:subscription_succeeded";
inline constexpr std::string_view kInternalMemberAdded = "pusher_internal:member_added";
inline constexpr std::string_view kInternalMemberRemoved = "pusher_internal:member_removed";
inline constexpr std::string_view kInternalSubscriptionCount = "pusher_internal:subscription_count";
inline constexpr std::string_view kInternalWatchlistEvents = "pusher_internal:watchlist_events";
inline constexpr std::string_view kSigninSuccess = "pusher:signin_success";
inline constexpr std::string_view kCacheMiss = "pusher:cache_miss";
// The names a client gives the application (§4.16).
inline constexpr std::string_view kSubscriptionSucceeded = "pusher:subscription_succeeded";
inline constexpr std::string_view kSubscriptionError = "pusher:subscription_error";
inline constexpr std::string_view kMemberAdded = "pusher:member_added";
inline constexpr std::string_view kMemberRemoved = "pusher:member_removed";
inline constexpr std::string_view kSubscriptionCount = "pusher:subscription_count";
inline constexpr std::string_view kSigninError = "pusher:signin_error";
// Herald's own: an encrypted channel's event that did not decrypt (pusher-js only logs it).
inline constexpr std::string_view kDecryptionError = "pusher:decryption_error";
}  // namespace events

// §3.1: one server message. `data` keeps the form it travelled in (§3.3 rule 2 is data_text()).
struct ServerMessage {
    std::string event;
    std::optional<std::string> channel;
    EventData data;
    std::optional<std::string> user_id;  // presence client events (§4.9)
    friend bool operator==(const ServerMessage&, const ServerMessage&) = default;
};

// §3.3 rule 1: a JSON object with a string `event`; `channel` and `user_id` strings when present.
[[nodiscard]] util::Result<ServerMessage, MessageError> parse_server_message(std::string_view text);

// The JSON text a data field carries: a string's contents, or the object's compact JSON ("" when
// absent). This is what §3.3 rule 2 parses.
[[nodiscard]] std::string_view data_text(const EventData& data) noexcept;

// §2.4. nullopt when socket_id is missing or not `\d+\.\d+`, or activity_timeout is missing or 0
// (pusher-js refuses such a handshake). A timeout past kMaxActivityTimeout is read as that (a
// client keeps the lower of its own and the server's anyway).
inline constexpr std::chrono::seconds kMaxActivityTimeout{86400};

struct ConnectionEstablished {
    std::string socket_id;
    std::chrono::seconds activity_timeout{0};
    friend bool operator==(const ConnectionEstablished&, const ConnectionEstablished&) = default;
};

[[nodiscard]] std::optional<ConnectionEstablished> read_connection_established(
        const EventData& data);

// §4.10: code null or absent is nullopt; a missing message is "".
struct ServerError {
    std::optional<std::uint16_t> code;
    std::string message;
    friend bool operator==(const ServerError&, const ServerError&) = default;
};

[[nodiscard]] ServerError read_server_error(const EventData& data);

// §4.4: the members of {"presence":{"hash":{id: info}, ...}} in the order of `hash` (pusher-js
// builds its list from `hash`). nullopt when the data has no presence object.
[[nodiscard]] std::optional<std::vector<Member>> read_presence_roster(const EventData& data);

// §4.7: {"user_id","user_info"} and {"user_id"} (user_info "{}" when absent).
[[nodiscard]] std::optional<Member> read_member(const EventData& data);

// §7.6: what an authorizer returns, {"auth": "key:signature", "channel_data"?: "...",
// "shared_secret"?: "..."}. nullopt unless it is an object with a string auth.
struct Authorization {
    std::string auth;
    std::optional<std::string> channel_data;
    std::optional<std::string> shared_secret;  // encrypted channels (§7.4), base64
    friend bool operator==(const Authorization&, const Authorization&) = default;
};

[[nodiscard]] std::optional<Authorization> read_authorization(std::string_view json);

// §7.5, §7.6: what a user authenticator returns, {"auth": "key:signature", "user_data": "..."}.
// nullopt unless both are strings.
struct UserAuthentication {
    std::string auth;
    std::string user_data;
    friend bool operator==(const UserAuthentication&, const UserAuthentication&) = default;
};

[[nodiscard]] std::optional<UserAuthentication> read_user_authentication(std::string_view json);

// §4.11: the user_data string of pusher:signin_success, and the non-empty string "id" of a
// user_data (pusher-js refuses a sign-in without one).
[[nodiscard]] std::optional<std::string> read_signin_success(const EventData& data);
[[nodiscard]] std::optional<std::string> read_user_id(std::string_view user_data);

// §4.13: each element of pusher_internal:watchlist_events' "events" with a string "name": the
// name ("online", "offline") and the element as compact JSON ({"name","user_ids"}), which is
// what pusher-js hands the application.
struct WatchlistNotice {
    std::string name;
    std::string json;
    friend bool operator==(const WatchlistNotice&, const WatchlistNotice&) = default;
};

[[nodiscard]] std::vector<WatchlistNotice> read_watchlist_events(const EventData& data);

}  // namespace herald::pusher
