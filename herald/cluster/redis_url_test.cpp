// herald/cluster/redis_url_test.cpp
#include "herald/cluster/redis_url.h"

#include <gtest/gtest.h>

namespace herald::cluster {
namespace {

TEST(RedisUrl, ReadsHostPortPasswordAndDatabase) {
    const auto r = parse_redis_url("redis://:s%40cret@cache.local:6380/3");
    ASSERT_TRUE(r.has_value()) << r.error();
    EXPECT_EQ(r->host, "cache.local");
    EXPECT_EQ(r->port, 6380);
    EXPECT_EQ(r->password, "s@cret");
    EXPECT_FALSE(r->username);
    EXPECT_EQ(r->db, 3U);
    EXPECT_EQ(describe(*r), "redis://:***@cache.local:6380/3");
}

TEST(RedisUrl, DefaultsAndIpv6AndAclUser) {
    auto r = parse_redis_url("redis://127.0.0.1");
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->port, 6379);
    EXPECT_EQ(r->db, 0U);
    r = parse_redis_url("redis://herald:pw@[::1]:7000/");
    ASSERT_TRUE(r.has_value()) << r.error();
    EXPECT_EQ(r->host, "::1");
    EXPECT_EQ(r->port, 7000);
    EXPECT_EQ(r->username, "herald");
}

TEST(RedisUrl, RefusesWhatItCannotUseWithAReason) {
    for (const auto* bad :
         {"", "localhost:6379", "redis://", "redis://h:0", "redis://h:99999", "redis://h:6379/x",
          "redis://user@h", "redis://[::1", "http://h", "redis://h:+6379", "redis://h:65536",
          "redis://[::1]x", "redis://h/99999999999999999999", "redis://h/-1"}) {
        const auto r = parse_redis_url(bad);
        EXPECT_FALSE(r.has_value()) << bad;
        EXPECT_FALSE(r.error().empty()) << bad;
    }
    EXPECT_NE(parse_redis_url("rediss://h").error().find("TLS"), std::string::npos);
}

}  // namespace
}  // namespace herald::cluster
