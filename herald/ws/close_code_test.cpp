#include "herald/ws/close_code.h"

#include <cstdint>

#include <gtest/gtest.h>

namespace herald::ws {
namespace {

bool expected_valid(std::uint32_t code) {
    const bool rfc = (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014);
    return rfc || (code >= 3000 && code <= 4999);
}

TEST(CloseCode, AcceptsOnlyCodesThatMayBeSent) {
    for (std::uint32_t code = 0; code <= 0xFFFF; ++code) {
        EXPECT_EQ(is_valid_wire_close_code(static_cast<std::uint16_t>(code)), expected_valid(code))
                << code;
    }
}

TEST(CloseCode, RefusesReservedAndLocalOnlyCodes) {
    EXPECT_FALSE(is_valid_wire_close_code(to_int(CloseCode::NoStatus)));
    EXPECT_FALSE(is_valid_wire_close_code(to_int(CloseCode::Abnormal)));
    EXPECT_FALSE(is_valid_wire_close_code(to_int(CloseCode::TlsHandshake)));
    EXPECT_FALSE(is_valid_wire_close_code(1004));
    EXPECT_FALSE(is_valid_wire_close_code(999));
    EXPECT_FALSE(is_valid_wire_close_code(1016));
    EXPECT_FALSE(is_valid_wire_close_code(2999));
    EXPECT_FALSE(is_valid_wire_close_code(5000));
}

TEST(CloseCode, AcceptsBoundariesOfEveryValidRange) {
    for (std::uint16_t code : {1000, 1003, 1007, 1014, 3000, 3999, 4000, 4999}) {
        EXPECT_TRUE(is_valid_wire_close_code(code)) << code;
    }
}

TEST(CloseCode, DescribesKnownCodes) {
    EXPECT_EQ(describe(1000), "normal closure");
    EXPECT_EQ(describe(to_int(CloseCode::ProtocolError)), "protocol error");
    EXPECT_EQ(describe(to_int(CloseCode::InvalidPayload)), "invalid payload data");
    EXPECT_EQ(describe(to_int(CloseCode::MessageTooBig)), "message too big");
    EXPECT_EQ(describe(to_int(CloseCode::NoStatus)), "no status code");
}

TEST(CloseCode, DescribesRangesAndUnknownCodes) {
    EXPECT_EQ(describe(3001), "registered code");
    EXPECT_EQ(describe(4100), "application code");
    EXPECT_EQ(describe(1004), "unknown code");
    EXPECT_EQ(describe(0), "unknown code");
}

TEST(CloseCode, DescribesEveryNamedCodeDistinctly) {
    const std::uint16_t named[] = {1000, 1001, 1002, 1003, 1005, 1006, 1007, 1008,
                                   1009, 1010, 1011, 1012, 1013, 1014, 1015};
    for (std::uint16_t a : named) {
        EXPECT_NE(describe(a), "unknown code") << a;
        for (std::uint16_t b : named) {
            if (a != b) {
                EXPECT_NE(describe(a), describe(b)) << a << " " << b;
            }
        }
    }
}

}  // namespace
}  // namespace herald::ws
