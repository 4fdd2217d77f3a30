// herald/pusher/secretbox.h
//
// The payload of an encrypted channel's events (protocol.md §6.6, §7.8):
// {"nonce":"<base64>","ciphertext":"<base64>"}, sealed with libsodium's crypto_secretbox
// (XSalsa20-Poly1305) under the channel's key (§7.4, auth.h's channel_key), the construction
// pusher-js opens with tweetnacl. The server never calls these; the SDK seals with them and the
// client opens with them.
// Owner: none (pure functions, except that `seal_payload` draws its nonce from libsodium's CSPRNG).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace herald::pusher {

inline constexpr std::size_t kSecretboxNonceBytes = 24;
inline constexpr std::size_t kSecretboxKeyBytes = 32;

// §7.8: {"nonce","ciphertext"} for `plaintext` under `channel_key`, with a fresh random nonce.
[[nodiscard]] std::string seal_payload(std::string_view channel_key, std::string_view plaintext);

// The same with a given 24-byte nonce (for test vectors; never reuse a nonce in production).
// Throws std::invalid_argument unless the key is 32 bytes and the nonce 24.
[[nodiscard]] std::string seal_payload_with_nonce(std::string_view channel_key,
                                                  std::string_view plaintext,
                                                  std::string_view nonce);

// Opens a payload `seal_payload` made; nullopt when it is not such JSON, a field is not base64,
// a length is wrong or the MAC does not verify.
[[nodiscard]] std::optional<std::string> open_payload(std::string_view channel_key,
                                                      std::string_view payload);

// What a client delivers of a decrypted event (§7.8, §3.3): a JSON string's contents (the Node
// SDK encrypts JSON.stringify(data)), otherwise the plaintext as it is.
[[nodiscard]] std::string decrypted_data_text(std::string_view plaintext);

}  // namespace herald::pusher
