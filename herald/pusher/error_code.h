// herald/pusher/error_code.h
//
// Pusher close and error codes (protocol.md §5): the values, their ranges, whether the server
// closes the connection with them, and what an official client does when it sees them. Owner: none
// (values and pure functions).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace herald::pusher {

// Every code of §5.3. NoCode is the `"code": null` of non-fatal `pusher:error` messages
// (invalid signature, duplicate subscription, malformed message, ...); it is never a close code.
enum class ErrorCode : std::uint16_t {
    NoCode = 0,
    SslOnly = 4000,
    ApplicationDoesNotExist = 4001,
    ApplicationDisabled = 4003,
    OverConnectionQuota = 4004,
    PathNotFound = 4005,
    InvalidVersionStringFormat = 4006,  // reserved; not enforced (§14 D10)
    UnsupportedProtocolVersion = 4007,
    NoProtocolVersionSupplied = 4008,
    ConnectionUnauthorized = 4009,  // also: origin not allowed, terminated through the REST API
    OverCapacity = 4100,
    ReconnectImmediately = 4200,
    PongReplyNotReceived = 4201,
    ClosedAfterInactivity = 4202,
    ClientEventRateLimit = 4301,
    WatchlistLimitExceeded = 4302,
};

// §5.1: the four documented ranges. NotPusher is anything outside 4000-4399 (WebSocket codes).
enum class ErrorRange : std::uint8_t {
    Fatal,      // 4000-4099: reconnecting unchanged fails again
    Backoff,    // 4100-4199: temporary; back off at least 1 s
    Reconnect,  // 4200-4299: reconnect immediately
    Other,      // 4300-4399: reported with pusher:error, the connection stays open
    NotPusher,
};

// §5.2: what pusher-js does when a connection closes with a code (or a handshake pusher:error
// carries it).
enum class ClientAction : std::uint8_t {
    Closed,   // 1000, 1001 and other codes below 4000: reconnect after 1 s
    Backoff,  // 1002-1004 and 4100-4199: reconnect after 1 s
    TlsOnly,  // 4000: reconnect immediately over TLS
    Refused,  // 4001-4099 and 4300 and above: stay disconnected
    Retry,    // 4200-4299: reconnect immediately
};

// The same decision as a reconnect policy.
enum class Reconnect : std::uint8_t {
    Immediately,   // Retry, TlsOnly
    AfterBackoff,  // Closed, Backoff
    Never,         // Refused
};

// 0 for NoCode (written as null on the wire).
[[nodiscard]] constexpr std::uint16_t to_int(ErrorCode code) noexcept {
    return static_cast<std::uint16_t>(code);
}

// The named code with this value; nullopt for unassigned values (4002, 4203, ...) and for 0.
[[nodiscard]] std::optional<ErrorCode> error_code_from_int(std::uint16_t value) noexcept;

[[nodiscard]] ErrorRange range_of(std::uint16_t code) noexcept;

[[nodiscard]] ClientAction client_action(std::uint16_t code) noexcept;

[[nodiscard]] Reconnect reconnect_policy(std::uint16_t code) noexcept;

// §5.3 "Close?": true when the server closes the connection with this code after reporting it;
// false for 4301, 4302 and NoCode, which are only ever sent as pusher:error.
[[nodiscard]] bool closes_connection(ErrorCode code) noexcept;

// The hosted service's name for the code (§5.3), usable as the pusher:error message and, being
// at most 123 bytes, as a close reason.
[[nodiscard]] std::string_view describe(ErrorCode code) noexcept;

}  // namespace herald::pusher
