// herald/util/ascii.h
//
// ASCII helpers for protocol text (HTTP header names and token lists): case-insensitive compare,
// whitespace trimming and comma-separated token walking. Locale-independent by design.
// Owner: none (pure functions).
#pragma once

#include <functional>
#include <string>
#include <string_view>

namespace herald::util {

[[nodiscard]] char ascii_lower(char c) noexcept;

[[nodiscard]] bool iequals(std::string_view a, std::string_view b) noexcept;

[[nodiscard]] std::string to_lower(std::string_view s);
void lower_in_place(std::string& s) noexcept;

// Strips spaces and horizontal tabs (HTTP optional whitespace) from both ends.
[[nodiscard]] std::string_view trim(std::string_view s) noexcept;

// Calls `fn` with each trimmed, non-empty element of a comma-separated list (RFC 9110 §5.6.1).
// Stops early and returns false when `fn` returns false.
bool for_each_list_element(std::string_view list, const std::function<bool(std::string_view)>& fn);

// True when the comma-separated `list` holds `token`, compared case-insensitively.
[[nodiscard]] bool list_contains_token(std::string_view list, std::string_view token);

}  // namespace herald::util
