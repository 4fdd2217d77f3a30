// herald/sdk/encryption.h
//
// End-to-end encrypted channels (private-encrypted-*, protocol.md §6.6, §7.4, §7.8): the channel
// key derived from the master key, and the {"nonce","ciphertext"} payload sealed with libsodium's
// crypto_secretbox (XSalsa20-Poly1305), the same construction pusher-js opens with tweetnacl.
// The sealing itself is pusher/secretbox.h's (the client opens with it too); these are the SDK's
// names for it. Herald's server never sees the keys or the plaintext.
// Owner: none (pure functions, except that `seal` draws its nonce from libsodium's CSPRNG).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "herald/pusher/secretbox.h"

namespace herald::sdk {

inline constexpr std::size_t kSecretboxNonceBytes = pusher::kSecretboxNonceBytes;
inline constexpr std::size_t kSecretboxKeyBytes = pusher::kSecretboxKeyBytes;

// The 32 raw bytes of a base64 master key, or nullopt unless it decodes to exactly 32 bytes.
[[nodiscard]] std::optional<std::string> decode_master_key(std::string_view master_key_base64);

// §7.4: SHA256(channel || master_key), the channel's secretbox key (32 raw bytes).
[[nodiscard]] std::string derive_channel_key(std::string_view channel, std::string_view master_key);

// §7.8: {"nonce":"<base64>","ciphertext":"<base64>"} for `plaintext` under `channel_key`, with a
// fresh random nonce.
[[nodiscard]] std::string seal(std::string_view channel_key, std::string_view plaintext);

// The same with a given 24-byte nonce (for test vectors; never reuse a nonce in production).
[[nodiscard]] std::string seal_with_nonce(std::string_view channel_key, std::string_view plaintext,
                                          std::string_view nonce);

// Opens a payload `seal` made; nullopt when it is not such JSON, a field is not base64, a length
// is wrong or the MAC does not verify.
[[nodiscard]] std::optional<std::string> open(std::string_view channel_key,
                                              std::string_view payload);

}  // namespace herald::sdk
