#include "herald/pusher/error_code.h"

#include <array>

namespace herald::pusher {

namespace {

constexpr std::array kAllCodes = {
        ErrorCode::SslOnly,
        ErrorCode::ApplicationDoesNotExist,
        ErrorCode::ApplicationDisabled,
        ErrorCode::OverConnectionQuota,
        ErrorCode::PathNotFound,
        ErrorCode::InvalidVersionStringFormat,
        ErrorCode::UnsupportedProtocolVersion,
        ErrorCode::NoProtocolVersionSupplied,
        ErrorCode::ConnectionUnauthorized,
        ErrorCode::OverCapacity,
        ErrorCode::ReconnectImmediately,
        ErrorCode::PongReplyNotReceived,
        ErrorCode::ClosedAfterInactivity,
        ErrorCode::ClientEventRateLimit,
        ErrorCode::WatchlistLimitExceeded,
};

}  // namespace

std::optional<ErrorCode> error_code_from_int(std::uint16_t value) noexcept {
    for (const ErrorCode code : kAllCodes) {
        if (to_int(code) == value) {
            return code;
        }
    }
    return std::nullopt;
}

ErrorRange range_of(std::uint16_t code) noexcept {
    if (code >= 4000 && code <= 4099) {
        return ErrorRange::Fatal;
    }
    if (code >= 4100 && code <= 4199) {
        return ErrorRange::Backoff;
    }
    if (code >= 4200 && code <= 4299) {
        return ErrorRange::Reconnect;
    }
    if (code >= 4300 && code <= 4399) {
        return ErrorRange::Other;
    }
    return ErrorRange::NotPusher;
}

// pusher-js maps codes in this order; everything at or above 4300 is refused, even outside the
// documented 4300-4399 range.
ClientAction client_action(std::uint16_t code) noexcept {
    if (code < 4000) {
        return code >= 1002 && code <= 1004 ? ClientAction::Backoff : ClientAction::Closed;
    }
    if (code == 4000) {
        return ClientAction::TlsOnly;
    }
    if (code < 4100) {
        return ClientAction::Refused;
    }
    if (code < 4200) {
        return ClientAction::Backoff;
    }
    if (code < 4300) {
        return ClientAction::Retry;
    }
    return ClientAction::Refused;
}

Reconnect reconnect_policy(std::uint16_t code) noexcept {
    switch (client_action(code)) {
        case ClientAction::Retry:
        case ClientAction::TlsOnly:
            return Reconnect::Immediately;
        case ClientAction::Closed:
        case ClientAction::Backoff:
            return Reconnect::AfterBackoff;
        case ClientAction::Refused:
            break;
    }
    return Reconnect::Never;
}

bool closes_connection(ErrorCode code) noexcept {
    const auto value = to_int(code);
    return value >= 4000 && value < 4300;
}

std::string_view describe(ErrorCode code) noexcept {
    switch (code) {
        case ErrorCode::NoCode:
            return "Error";
        case ErrorCode::SslOnly:
            return "Application only accepts SSL connections, reconnect using wss://";
        case ErrorCode::ApplicationDoesNotExist:
            return "Application does not exist";
        case ErrorCode::ApplicationDisabled:
            return "Application disabled";
        case ErrorCode::OverConnectionQuota:
            return "Application is over connection quota";
        case ErrorCode::PathNotFound:
            return "Path not found";
        case ErrorCode::InvalidVersionStringFormat:
            return "Invalid version string format";
        case ErrorCode::UnsupportedProtocolVersion:
            return "Unsupported protocol version";
        case ErrorCode::NoProtocolVersionSupplied:
            return "No protocol version supplied";
        case ErrorCode::ConnectionUnauthorized:
            return "Connection is unauthorized";
        case ErrorCode::OverCapacity:
            return "Over capacity";
        case ErrorCode::ReconnectImmediately:
            return "Generic reconnect immediately";
        case ErrorCode::PongReplyNotReceived:
            return "Pong reply not received";
        case ErrorCode::ClosedAfterInactivity:
            return "Closed after inactivity";
        case ErrorCode::ClientEventRateLimit:
            return "Client event rejected due to rate limit";
        case ErrorCode::WatchlistLimitExceeded:
            return "Watchlist limit exceeded. Only the first 100 user IDs are accepted.";
    }
    return "Unknown error";
}

}  // namespace herald::pusher
