// herald/sdk/auth.h
//
// What an application server's auth endpoints return (protocol.md §7): channel authorization for
// private-, presence- and private-encrypted- channels (with the shared secret of §7.4) and user
// sign-in. The JSON texts are written compactly in the Node SDK's member order, so the same input
// gives the same bytes (and signatures) as the official SDK.
// Owner: none (value types and pure functions).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "herald/sdk/json.h"

namespace herald::sdk {

// A presence channel member: channel_data is {"user_id":..,"user_info":..} (user_info omitted
// when null).
struct PresenceMember {
    std::string user_id;
    Json user_info;
};

struct ChannelAuth {
    std::string auth;                          // "key:signature"
    std::optional<std::string> channel_data;   // presence channels
    std::optional<std::string> shared_secret;  // private-encrypted- channels (base64)

    // {"auth":..,"channel_data":..,"shared_secret":..}: the body to answer pusher-js with.
    [[nodiscard]] std::string json() const;
};

struct UserAuth {
    std::string auth;       // "key:signature"
    std::string user_data;  // the exact JSON text that was signed

    // {"auth":..,"user_data":..}
    [[nodiscard]] std::string json() const;
};

struct SigningKeys {
    std::string_view key;
    std::string_view secret;
    std::optional<std::string_view> master_key;  // 32 raw bytes, for encrypted channels
};

// §7.2-§7.4. Checks the socket id and channel name; a presence channel needs `member` (with a
// non-empty user id); an encrypted channel needs the master key. Throws sdk::Error otherwise
// (ConfigurationError for the missing master key).
[[nodiscard]] ChannelAuth authenticate_channel(const SigningKeys& keys, std::string_view channel,
                                               std::string_view socket_id,
                                               const std::optional<PresenceMember>& member);

// §7.5. `user_data` must be an object whose "id" is a non-empty string.
[[nodiscard]] UserAuth authenticate_user(const SigningKeys& keys, std::string_view socket_id,
                                         const Json& user_data);

}  // namespace herald::sdk
