#include "herald/pusher/error_code.h"

#include <cstdint>
#include <utility>

#include <gtest/gtest.h>

namespace herald::pusher {
namespace {

TEST(ErrorCode, ValuesAreTheProtocolTableNumbers) {
    const std::pair<ErrorCode, std::uint16_t> table[] = {
            {ErrorCode::NoCode, 0},
            {ErrorCode::SslOnly, 4000},
            {ErrorCode::ApplicationDoesNotExist, 4001},
            {ErrorCode::ApplicationDisabled, 4003},
            {ErrorCode::OverConnectionQuota, 4004},
            {ErrorCode::PathNotFound, 4005},
            {ErrorCode::InvalidVersionStringFormat, 4006},
            {ErrorCode::UnsupportedProtocolVersion, 4007},
            {ErrorCode::NoProtocolVersionSupplied, 4008},
            {ErrorCode::ConnectionUnauthorized, 4009},
            {ErrorCode::OverCapacity, 4100},
            {ErrorCode::ReconnectImmediately, 4200},
            {ErrorCode::PongReplyNotReceived, 4201},
            {ErrorCode::ClosedAfterInactivity, 4202},
            {ErrorCode::ClientEventRateLimit, 4301},
            {ErrorCode::WatchlistLimitExceeded, 4302},
    };
    for (const auto& [code, value] : table) {
        EXPECT_EQ(to_int(code), value);
        if (code != ErrorCode::NoCode) {
            EXPECT_EQ(error_code_from_int(value), code) << value;
        }
    }
}

TEST(ErrorCode, FromIntRejectsUnassignedValues) {
    for (const std::uint16_t value :
         {0, 1000, 3999, 4002, 4010, 4099, 4101, 4203, 4300, 4303, 4999}) {
        EXPECT_FALSE(error_code_from_int(value)) << value;
    }
}

TEST(ErrorCode, RangesHaveExactBoundaries) {
    EXPECT_EQ(range_of(3999), ErrorRange::NotPusher);
    EXPECT_EQ(range_of(4000), ErrorRange::Fatal);
    EXPECT_EQ(range_of(4099), ErrorRange::Fatal);
    EXPECT_EQ(range_of(4100), ErrorRange::Backoff);
    EXPECT_EQ(range_of(4199), ErrorRange::Backoff);
    EXPECT_EQ(range_of(4200), ErrorRange::Reconnect);
    EXPECT_EQ(range_of(4299), ErrorRange::Reconnect);
    EXPECT_EQ(range_of(4300), ErrorRange::Other);
    EXPECT_EQ(range_of(4399), ErrorRange::Other);
    EXPECT_EQ(range_of(4400), ErrorRange::NotPusher);
    EXPECT_EQ(range_of(1000), ErrorRange::NotPusher);
    EXPECT_EQ(range_of(0), ErrorRange::NotPusher);
}

TEST(ErrorCode, ClientActionsFollowPusherJs) {
    const std::pair<std::uint16_t, ClientAction> table[] = {
            {1000, ClientAction::Closed},  {1001, ClientAction::Closed},
            {1002, ClientAction::Backoff}, {1003, ClientAction::Backoff},
            {1004, ClientAction::Backoff}, {1005, ClientAction::Closed},
            {1006, ClientAction::Closed},  {1009, ClientAction::Closed},
            {3999, ClientAction::Closed},  {4000, ClientAction::TlsOnly},
            {4001, ClientAction::Refused}, {4009, ClientAction::Refused},
            {4099, ClientAction::Refused}, {4100, ClientAction::Backoff},
            {4199, ClientAction::Backoff}, {4200, ClientAction::Retry},
            {4299, ClientAction::Retry},   {4300, ClientAction::Refused},
            {4301, ClientAction::Refused}, {4999, ClientAction::Refused},
    };
    for (const auto& [code, action] : table) {
        EXPECT_EQ(client_action(code), action) << code;
    }
}

TEST(ErrorCode, ReconnectPolicyGroupsTheActions) {
    EXPECT_EQ(reconnect_policy(4000), Reconnect::Immediately);
    EXPECT_EQ(reconnect_policy(4200), Reconnect::Immediately);
    EXPECT_EQ(reconnect_policy(4201), Reconnect::Immediately);
    EXPECT_EQ(reconnect_policy(1000), Reconnect::AfterBackoff);
    EXPECT_EQ(reconnect_policy(1006), Reconnect::AfterBackoff);
    EXPECT_EQ(reconnect_policy(4100), Reconnect::AfterBackoff);
    EXPECT_EQ(reconnect_policy(4001), Reconnect::Never);
    EXPECT_EQ(reconnect_policy(4009), Reconnect::Never);
    EXPECT_EQ(reconnect_policy(4301), Reconnect::Never);
}

TEST(ErrorCode, OnlyCodesBelow4300Close) {
    EXPECT_TRUE(closes_connection(ErrorCode::SslOnly));
    EXPECT_TRUE(closes_connection(ErrorCode::ConnectionUnauthorized));
    EXPECT_TRUE(closes_connection(ErrorCode::OverCapacity));
    EXPECT_TRUE(closes_connection(ErrorCode::ReconnectImmediately));
    EXPECT_TRUE(closes_connection(ErrorCode::ClosedAfterInactivity));
    EXPECT_FALSE(closes_connection(ErrorCode::ClientEventRateLimit));
    EXPECT_FALSE(closes_connection(ErrorCode::WatchlistLimitExceeded));
    EXPECT_FALSE(closes_connection(ErrorCode::NoCode));
}

TEST(ErrorCode, DescriptionsAreHostedNamesAndFitACloseReason) {
    EXPECT_EQ(describe(ErrorCode::ApplicationDoesNotExist), "Application does not exist");
    EXPECT_EQ(describe(ErrorCode::PongReplyNotReceived), "Pong reply not received");
    EXPECT_EQ(describe(ErrorCode::ClientEventRateLimit), "Client event rejected due to rate limit");
    for (std::uint16_t v = 4000; v < 4400; ++v) {
        const auto code = error_code_from_int(v);
        const std::size_t size = code ? describe(*code).size() : 1;
        EXPECT_TRUE(size > 0 && size <= 123) << v;  // RFC 6455 §5.5: close reason limit
    }
}

}  // namespace
}  // namespace herald::pusher
