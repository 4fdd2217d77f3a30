// herald/util/digest.h
//
// Hashes and MACs through OpenSSL. Returns raw digests; pair with hex or base64 as needed.
// Owner: none (pure functions).
#pragma once

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

// Compares in time independent of where the inputs differ (for signatures).
[[nodiscard]] bool constant_time_equals(std::string_view a, std::string_view b) noexcept;

}  // namespace herald::util
