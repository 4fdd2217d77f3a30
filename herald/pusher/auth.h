// herald/pusher/auth.h
//
// Subscription and sign-in signatures (protocol.md §7): what is signed, the "key:hex" auth
// strings, their constant-time verification (§7.7), and the shared secret of an encrypted channel
// (§7.4). Every signed string is a concatenation of the exact bytes received; nothing is
// re-serialised. Validating socket ids and channel names is the caller's job (socket_id.h,
// channel.h).
//
// Encryption: the server never encrypts or decrypts payloads (§6.6, §7.8); the key derivation of
// §7.4 is a plain SHA-256, and the secretbox the SDK seals and the client opens with is in
// secretbox.h.
// Owner: none (pure functions).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace herald::pusher {

// §7.1: lowercase hex HMAC-SHA256 of `message` keyed with the app secret (64 characters).
[[nodiscard]] std::string sign(std::string_view secret, std::string_view message);

// §7.2, §7.3: "socket_id:channel" plus ":channel_data" when there is channel data.
[[nodiscard]] std::string channel_string_to_sign(std::string_view socket_id,
                                                 std::string_view channel,
                                                 std::optional<std::string_view> channel_data);

// §7.5: "socket_id::user::user_data".
[[nodiscard]] std::string user_string_to_sign(std::string_view socket_id,
                                              std::string_view user_data);

// "key:signature" over `string_to_sign` (§7.1).
[[nodiscard]] std::string auth_string(std::string_view key, std::string_view secret,
                                      std::string_view string_to_sign);

// The auth an application server returns for a channel subscription (§7.2, §7.3).
[[nodiscard]] std::string channel_auth(std::string_view key, std::string_view secret,
                                       std::string_view socket_id, std::string_view channel,
                                       std::optional<std::string_view> channel_data = std::nullopt);

// The auth an application server returns for a sign-in (§7.5).
[[nodiscard]] std::string user_auth(std::string_view key, std::string_view secret,
                                    std::string_view socket_id, std::string_view user_data);

enum class AuthCheck : std::uint8_t {
    Ok,
    Malformed,     // no ':' in the auth string
    WrongKey,      // the part before the first ':' is not the app key
    BadSignature,  // not the lowercase hex HMAC of the string to sign
};

// §7.7 steps 1, 2 and 4: split `auth` at the first ':', compare the key, and compare the
// signature with the expected one in constant time.
[[nodiscard]] AuthCheck verify_auth(std::string_view auth, std::string_view key,
                                    std::string_view secret, std::string_view string_to_sign);

// The signature part of `auth` (after the first ':'), or "" when there is none.
[[nodiscard]] std::string_view auth_signature(std::string_view auth) noexcept;

// The texts hosted sends for refused auth (§4.5, §7.7): "Invalid key in subscription auth data:
// '<auth>'" and "Invalid signature: Expected HMAC SHA256 hex digest of <string>, but got <sig>".
[[nodiscard]] std::string invalid_key_message(std::string_view auth);
[[nodiscard]] std::string invalid_signature_message(std::string_view string_to_sign,
                                                    std::string_view auth);

// §7.4: SHA256(channel_name || master_key), 32 raw bytes. The master key is the 32 raw bytes.
[[nodiscard]] std::string channel_key(std::string_view channel, std::string_view master_key);

// §7.4, §7.9: the base64 shared_secret of an encrypted channel from the base64 master key;
// nullopt unless the master key decodes (strict base64) to exactly 32 bytes.
[[nodiscard]] std::optional<std::string> shared_secret(std::string_view master_key_base64,
                                                       std::string_view channel);

}  // namespace herald::pusher
