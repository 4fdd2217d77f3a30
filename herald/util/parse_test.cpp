#include "herald/util/parse.h"

#include <cstdint>

#include <gtest/gtest.h>

namespace herald::util {
namespace {

TEST(ParseInteger, TakesTheWholeStringOrNothing) {
    EXPECT_EQ(parse_integer<int>("42"), 42);
    EXPECT_EQ(parse_integer<int>("-7"), -7);
    EXPECT_EQ(parse_integer<std::uint64_t>("18446744073709551615"), UINT64_MAX);
    for (const auto* const bad : {"", "12abc", " 1", "1 ", "+1", "0x10", "abc", "-"}) {
        EXPECT_EQ(parse_integer<int>(bad), std::nullopt) << bad;
    }
}

TEST(ParseInteger, RefusesOverflowAndSignsOnUnsigned) {
    EXPECT_EQ(parse_integer<std::uint64_t>("18446744073709551616"), std::nullopt);
    EXPECT_EQ(parse_integer<std::int8_t>("128"), std::nullopt);
    EXPECT_EQ(parse_integer<unsigned>("-1"), std::nullopt);
}

TEST(ParseInteger, ReadsOtherBases) {
    EXPECT_EQ(parse_integer<unsigned>("ff", 16), 255U);
    EXPECT_EQ(parse_integer<unsigned>("fg", 16), std::nullopt);
}

TEST(ParsePort, AcceptsZeroTo65535) {
    EXPECT_EQ(parse_port("0"), 0);
    EXPECT_EQ(parse_port("65535"), 65535);
    EXPECT_EQ(parse_port("65536"), std::nullopt);
    EXPECT_EQ(parse_port(""), std::nullopt);
}

TEST(SplitAuthority, SplitsNamesAndBracketedAddresses) {
    const auto plain = split_authority("example.com:6001");
    ASSERT_TRUE(plain);
    EXPECT_EQ(plain->host, "example.com");
    EXPECT_EQ(plain->port, "6001");
    EXPECT_FALSE(plain->bracketed);

    const auto v6 = split_authority("[::1]:80");
    ASSERT_TRUE(v6);
    EXPECT_EQ(v6->host, "::1");
    EXPECT_EQ(v6->port, "80");
    EXPECT_TRUE(v6->bracketed);

    const auto v6_alone = split_authority("[::1]");
    ASSERT_TRUE(v6_alone);
    EXPECT_EQ(v6_alone->port, std::nullopt);

    const auto bare_v6 = split_authority("fe80::1");
    ASSERT_TRUE(bare_v6);
    EXPECT_EQ(bare_v6->host, "fe80::1");
    EXPECT_EQ(bare_v6->port, std::nullopt);

    const auto host_only = split_authority("localhost");
    ASSERT_TRUE(host_only);
    EXPECT_EQ(host_only->host, "localhost");
    EXPECT_EQ(host_only->port, std::nullopt);

    const auto empty_port = split_authority("host:");
    ASSERT_TRUE(empty_port);
    EXPECT_EQ(empty_port->port, "");
}

TEST(SplitAuthority, RefusesBrokenBrackets) {
    EXPECT_EQ(split_authority("[::1"), std::nullopt);
    EXPECT_EQ(split_authority("[::1]x"), std::nullopt);
    EXPECT_EQ(split_authority("[::1]80"), std::nullopt);
}

TEST(PercentDecode, DecodesEscapesAndKeepsBrokenOnes) {
    EXPECT_EQ(percent_decode("a%2Fb%2fc"), "a/b/c");
    EXPECT_EQ(percent_decode("100%"), "100%");
    EXPECT_EQ(percent_decode("%4"), "%4");
    EXPECT_EQ(percent_decode("%zz%41"), "%zzA");
    EXPECT_EQ(percent_decode("a+b"), "a+b");
    EXPECT_EQ(percent_decode("a+b", true), "a b");
}

}  // namespace
}  // namespace herald::util
