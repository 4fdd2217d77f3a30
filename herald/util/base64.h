// herald/util/base64.h
//
// Standard base64 (RFC 4648 §4, with padding) on top of OpenSSL's block coder. Decoding is strict:
// it rejects whitespace, missing or misplaced padding and non-alphabet bytes.
// Owner: none (pure functions).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace herald::util {

[[nodiscard]] std::string base64_encode(std::string_view bytes);

// The decoded bytes, or nullopt when `text` is not canonical padded base64.
[[nodiscard]] std::optional<std::string> base64_decode(std::string_view text);

}  // namespace herald::util
