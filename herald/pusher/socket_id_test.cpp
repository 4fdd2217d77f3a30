#include "herald/pusher/socket_id.h"

#include <limits>
#include <set>
#include <string>

#include <gtest/gtest.h>

namespace herald::pusher {
namespace {

TEST(SocketId, AcceptsDigitsDotDigits) {
    for (const char* id : {"1.1", "0.0", "1234.1234", "264774.13368624", "007.00",
                           "18446744073709551615.18446744073709551615"}) {
        EXPECT_TRUE(is_valid_socket_id(id)) << id;
    }
}

TEST(SocketId, RejectsWhatTheSdksReject) {
    for (const char* id : {"",     ".",    "1.",    ".1",    "1",     "12",        "1..1", "1.1.1",
                           "1.1:", ":1.1", "1.1\n", "\n1.1", " 1.1",  "1.1 ",      "+1.1", "-1.1",
                           "1.-1", "1,1",  "a.1",   "1.a",   "1.1e3", "\xd9\xa1.1"}) {
        EXPECT_FALSE(is_valid_socket_id(id)) << id;
    }
    EXPECT_FALSE(is_valid_socket_id(std::string("1.1\0", 4)));
}

TEST(SocketId, RejectsEveryNonDigitByteOnEitherSide) {
    for (int b = 0; b < 256; ++b) {
        const char c = static_cast<char>(b);
        if (c >= '0' && c <= '9') {
            continue;
        }
        EXPECT_FALSE(is_valid_socket_id(std::string("1") + c + "2.3")) << b;
        EXPECT_FALSE(is_valid_socket_id(std::string("1.2") + c + "3")) << b;
    }
}

TEST(SocketIdGenerator, IssuesValidIdsWithThePrefix) {
    SocketIdGenerator generator(264774, 13368624);
    EXPECT_EQ(generator.next(), "264774.13368624");
    EXPECT_EQ(generator.next(), "264774.13368625");
    SocketIdGenerator from_one(7);
    EXPECT_EQ(from_one.next(), "7.1");
}

TEST(SocketIdGenerator, IdsAreUniqueAndValid) {
    SocketIdGenerator generator(3);
    std::set<std::string> seen;
    for (int i = 0; i < 10000; ++i) {
        const std::string id = generator.next();
        EXPECT_TRUE(is_valid_socket_id(id)) << id;
        EXPECT_TRUE(seen.insert(id).second) << id;
    }
}

TEST(SocketIdGenerator, ExtremeValuesStayValid) {
    constexpr auto kMax = std::numeric_limits<std::uint64_t>::max();
    SocketIdGenerator generator(kMax, kMax);
    EXPECT_EQ(generator.next(), "18446744073709551615.18446744073709551615");
    EXPECT_EQ(generator.next(), "18446744073709551615.0");  // wraps only after 2^64 ids
}

TEST(SocketIdGenerator, WorkersOfDifferentNodesNeverShareAnId) {
    std::set<std::string> seen;
    for (std::uint32_t node : {0U, 1U, 2U, 4294967295U}) {
        for (std::uint32_t worker : {0U, 1U, 999U}) {
            SocketIdGenerator generator(socket_id_prefix(node, worker));
            for (int i = 0; i < 100; ++i) {
                EXPECT_TRUE(seen.insert(generator.next()).second);
            }
        }
    }
}

}  // namespace
}  // namespace herald::pusher
