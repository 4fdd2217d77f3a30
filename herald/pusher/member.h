// herald/pusher/member.h
//
// Who a connection is: a presence member from the signed channel_data of a subscription
// (protocol.md §6.5) and a signed-in user from the signed user_data of pusher:signin (§4.11,
// §4.13). Both are parsed only after their signature has been verified against the exact string.
// Owner: none (pure functions).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "herald/pusher/limits.h"
#include "herald/util/result.h"

namespace herald::pusher {

struct Member {
    std::string user_id;    // always text: numeric ids become their decimal digits (§6.5.2)
    std::string user_info;  // compact JSON; "{}" when the app gave none (§14 D14)
    friend bool operator==(const Member&, const Member&) = default;
};

enum class MemberFault : std::uint8_t {
    NotJson,
    NotAnObject,
    MissingUserId,
    BadUserId,         // empty, or not a string or an integer (§6.5.2)
    UserIdTooLong,     // over max_user_id_length (§6.5.3)
    UserInfoTooLarge,  // compact JSON over max_user_info_bytes (§6.5.3)
};

struct MemberLimits {
    std::size_t max_user_id_length = kMaxUserIdLength;
    std::size_t max_user_info_bytes = kMaxUserInfoBytes;
};

using MemberResult = util::Result<Member, MemberFault>;

// §7.3: channel_data = {"user_id": <string or integer>, "user_info": <any JSON, optional>}.
[[nodiscard]] MemberResult parse_channel_data(std::string_view channel_data,
                                              const MemberLimits& limits = {});

[[nodiscard]] std::string_view describe(MemberFault fault) noexcept;

struct User {
    std::string id;
    std::string user_info;               // compact JSON; "{}" when absent
    std::vector<std::string> watchlist;  // at most the watchlist limit, in the order given
    bool watchlist_truncated = false;    // more were given: also send pusher:error 4302 (§4.13)
    friend bool operator==(const User&, const User&) = default;
};

enum class UserFault : std::uint8_t {
    NotJson,
    NotAnObject,
    MissingId,
    BadId,         // not a string, or empty (§4.11)
    BadWatchlist,  // not an array of strings
};

using UserResult = util::Result<User, UserFault>;

// §4.11: user_data = {"id": <non-empty string>, "user_info"?: ..., "watchlist"?: [<string>...]}.
// Other members are the application's and are ignored here.
[[nodiscard]] UserResult parse_user_data(std::string_view user_data,
                                         std::size_t max_watchlist = kMaxWatchlistSize);

[[nodiscard]] std::string_view describe(UserFault fault) noexcept;

}  // namespace herald::pusher
