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

std::uint64_t random_part(const std::string& id) {
    return std::stoull(id.substr(id.find('.') + 1));
}

TEST(SocketIdGenerator, IssuesValidIdsWithThePrefix) {
    SocketIdGenerator generator(264774);
    const auto id = generator.next();
    EXPECT_TRUE(is_valid_socket_id(id)) << id;
    EXPECT_EQ(id.rfind("264774.", 0), 0U) << id;
    constexpr auto kMax = std::numeric_limits<std::uint64_t>::max();
    SocketIdGenerator extreme(kMax);
    EXPECT_TRUE(is_valid_socket_id(extreme.next()));
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

TEST(SocketIdGenerator, IdsAreNotSequential) {
    // A client that knows its own id learns nothing of the next one: consecutive random parts
    // are neither close nor ordered, and their high bits vary.
    SocketIdGenerator generator(3);
    std::uint64_t previous = random_part(generator.next());
    int close = 0;
    int increasing = 0;
    std::uint64_t high_bits_seen = 0;
    constexpr int kIds = 1000;
    for (int i = 0; i < kIds; ++i) {
        const std::uint64_t current = random_part(generator.next());
        const std::uint64_t gap = current > previous ? current - previous : previous - current;
        close += gap < (std::uint64_t{1} << 32) ? 1 : 0;
        increasing += current > previous ? 1 : 0;
        high_bits_seen |= std::uint64_t{1} << (current >> 58U);
        previous = current;
    }
    EXPECT_EQ(close, 0);
    EXPECT_GT(increasing, kIds / 3);
    EXPECT_LT(increasing, 2 * kIds / 3);
    EXPECT_EQ(high_bits_seen, ~std::uint64_t{0});  // all 64 values of the top 6 bits
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
