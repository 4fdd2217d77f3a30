// herald/ws/close_code.h
//
// WebSocket close status codes (RFC 6455 §7.4) and which may appear on the wire.
// Owner: none (values and pure functions).
#pragma once

#include <cstdint>
#include <string_view>

namespace herald::ws {

enum class CloseCode : std::uint16_t {
    Normal = 1000,
    GoingAway = 1001,
    ProtocolError = 1002,
    UnsupportedData = 1003,
    NoStatus = 1005,  // never sent: "the close frame had no code"
    Abnormal = 1006,  // never sent: "the connection dropped without a close frame"
    InvalidPayload = 1007,
    PolicyViolation = 1008,
    MessageTooBig = 1009,
    MandatoryExtension = 1010,
    InternalError = 1011,
    ServiceRestart = 1012,
    TryAgainLater = 1013,
    BadGateway = 1014,
    TlsHandshake = 1015,  // never sent
};

[[nodiscard]] constexpr std::uint16_t to_int(CloseCode code) noexcept {
    return static_cast<std::uint16_t>(code);
}

// True when `code` may be carried by a close frame (RFC 6455 §7.4.1/§7.4.2 and the IANA
// registry): 1000-1003, 1007-1014 and 3000-4999. 1004-1006, 1015 and everything else are refused.
[[nodiscard]] bool is_valid_wire_close_code(std::uint16_t code) noexcept;

// A short description for logs ("normal closure", "protocol error" ...).
[[nodiscard]] std::string_view describe(std::uint16_t code) noexcept;

}  // namespace herald::ws
