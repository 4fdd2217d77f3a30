// herald/server/address_limit_test.cpp
#include "herald/server/address_limit.h"

#include <vector>

#include <gtest/gtest.h>

namespace herald::server {
namespace {

TEST(AddressLimit, RefusesPastTheLimitPerAddressAndGivesSlotsBack) {
    AddressLimit limit(2);
    auto a = limit.acquire("10.0.0.1:5000");
    auto b = limit.acquire("10.0.0.1:5001");  // another port of the same address
    ASSERT_TRUE(a);
    ASSERT_TRUE(b);
    EXPECT_FALSE(limit.acquire("10.0.0.1:5002"));
    EXPECT_TRUE(limit.acquire("10.0.0.2:5000"));  // another address has its own count
    EXPECT_EQ(limit.held("10.0.0.1:1"), 2U);
    a.reset();
    EXPECT_EQ(limit.held("10.0.0.1:1"), 1U);
    auto c = limit.acquire("10.0.0.1:5003");
    EXPECT_TRUE(c);
    b.reset();
    c.reset();
    EXPECT_EQ(limit.held("10.0.0.1:1"), 0U);
}

TEST(AddressLimit, ReadsIpv6AddressesWithoutTheirPort) {
    AddressLimit limit(1);
    const auto first = limit.acquire("[::1]:5000");
    ASSERT_TRUE(first);
    EXPECT_FALSE(limit.acquire("[::1]:6000"));
    EXPECT_EQ(host_of("[::1]:6000"), "::1");
    EXPECT_EQ(host_of("127.0.0.1:80"), "127.0.0.1");
}

TEST(AddressLimit, ZeroMeansNoLimit) {
    AddressLimit limit(0);
    std::vector<AddressLimit::Slot> slots;
    for (int i = 0; i < 1000; ++i) {
        slots.push_back(limit.acquire("10.0.0.1:1"));
        ASSERT_TRUE(slots.back());
    }
    EXPECT_EQ(limit.held("10.0.0.1:1"), 1000U);
}

}  // namespace
}  // namespace herald::server
