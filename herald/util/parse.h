// herald/util/parse.h
//
// Whole-string parsing of the small pieces protocol text, URLs and settings are made of: integers,
// ports, `host[:port]` authorities and percent-encoded text. Every function takes the whole string
// or nothing: no leading sign or space is skipped, trailing garbage and overflow are refused, so a
// caller never mistakes "12abc" or "99999999999999999999" for a number.
// Owner: none (pure functions).
#pragma once

#include <charconv>
#include <concepts>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

namespace herald::util {

// The integer `text` spells in `base`, or nothing when it is empty, has any other character
// (a '+' or surrounding space included) or does not fit in T. '-' is accepted for signed T only.
template <std::integral T>
[[nodiscard]] std::optional<T> parse_integer(std::string_view text, int base = 10) noexcept {
    T value{};
    const char* const end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, value, base);
    if (text.empty() || ec != std::errc{} || ptr != end) {
        return std::nullopt;
    }
    return value;
}

// A TCP port from 0 to 65535 (callers that need a listening or connecting port refuse 0
// themselves).
[[nodiscard]] std::optional<std::uint16_t> parse_port(std::string_view text) noexcept;

// `host`, `host:port`, `[v6]` or `[v6]:port`, split. `host` is a view into the text, without the
// brackets (`bracketed` says they were there); `port` is the text after the colon, not yet a
// number. A host with several colons and no brackets is a bare IPv6 address: all host, no port.
struct Authority {
    std::string_view host;
    std::optional<std::string_view> port;
    bool bracketed = false;
};

// Nothing when a '[' is never closed or something other than ":port" follows the ']'.
[[nodiscard]] std::optional<Authority> split_authority(std::string_view text) noexcept;

// Decodes %XX escapes (either case); a '%' not followed by two hex digits stays as it is. With
// `plus_is_space` (application/x-www-form-urlencoded, query strings) '+' becomes ' '.
[[nodiscard]] std::string percent_decode(std::string_view text, bool plus_is_space = false);

// The same into `out`, replacing what it held (its capacity is reused).
void percent_decode_into(std::string& out, std::string_view text, bool plus_is_space = false);

}  // namespace herald::util
