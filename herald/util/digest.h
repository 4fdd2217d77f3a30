// herald/util/digest.h
//
// Hashes and MACs through OpenSSL. Returns raw digests; pair with hex or base64 as needed.
// Each thread keeps one OpenSSL context per algorithm, fetched once: OpenSSL 3 would otherwise
// look the algorithm up by name and allocate a context on every call, which costs more than
// hashing a short string (a WebSocket handshake's SHA-1, a REST request's HMAC).
// Owner: none (pure functions; the contexts are per thread).
#pragma once

#include <array>
#include <string>
#include <string_view>

namespace herald::util {

// 20 raw bytes.
[[nodiscard]] std::string sha1(std::string_view data);

// 32 raw bytes.
[[nodiscard]] std::string sha256(std::string_view data);

// 16 raw bytes.
[[nodiscard]] std::string md5(std::string_view data);

// 32 raw bytes of HMAC-SHA256(key, data).
[[nodiscard]] std::string hmac_sha256(std::string_view key, std::string_view data);

// Lower-case hexadecimal.
[[nodiscard]] std::string to_hex(std::string_view bytes);

// The lower-case hex of HMAC-SHA256(key, data) and of MD5(data), in place: nothing allocated.
using Sha256Hex = std::array<char, 64>;
using Md5Hex = std::array<char, 32>;
[[nodiscard]] Sha256Hex hmac_sha256_hex(std::string_view key, std::string_view data);
[[nodiscard]] Md5Hex md5_hex(std::string_view data);

template <std::size_t N>
[[nodiscard]] constexpr std::string_view view(const std::array<char, N>& text) noexcept {
    return {text.data(), N};
}

// Compares in time independent of where the inputs differ (for signatures).
[[nodiscard]] bool constant_time_equals(std::string_view a, std::string_view b) noexcept;

}  // namespace herald::util
