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
    for (const auto* bad :
         {"redis://h?insecure=1", "rediss://h?insecure=maybe", "rediss://h?color=red",
          "redis://h?sentinel_password=x", "redis+sentinel://h:26379", "redis+sentinel://h:26379/",
          "redis+sentinel://h:26379,:1/m", "redis+sentinel://h:26379/m/x", "rediss+http://h"}) {
        const auto r = parse_redis_url(bad);
        EXPECT_FALSE(r.has_value()) << bad;
        EXPECT_FALSE(r.error().empty()) << bad;
    }
}

TEST(RedisUrl, TlsVerifiesUnlessToldInsecure) {
    auto r = parse_redis_url("rediss://:pw@cache.example.com:6380/1");
    ASSERT_TRUE(r.has_value()) << r.error();
    EXPECT_TRUE(r->tls);
    EXPECT_TRUE(r->verify);
    EXPECT_EQ(r->host, "cache.example.com");
    EXPECT_EQ(describe(*r), "rediss://:***@cache.example.com:6380/1");
    r = parse_redis_url("rediss://10.0.0.5?insecure=1");
    ASSERT_TRUE(r.has_value()) << r.error();
    EXPECT_FALSE(r->verify);
    EXPECT_EQ(describe(*r), "rediss://10.0.0.5:6379/0?insecure=1");
}

TEST(RedisUrl, SentinelUrlNamesTheSentinelsAndTheMaster) {
    const auto r = parse_redis_url(
            "redis+sentinel://:pw@10.0.0.5:26380,[::1],s3:/mymaster/2?sentinel_password=sp");
    ASSERT_TRUE(r.has_value()) << r.error();
    EXPECT_FALSE(r->tls);
    EXPECT_EQ(r->master_name, "mymaster");
    EXPECT_EQ(r->db, 2U);
    EXPECT_EQ(r->password, "pw");
    EXPECT_EQ(r->sentinel_password, "sp");
    EXPECT_EQ(r->sentinels,
              (std::vector<RedisHost>{{"10.0.0.5", 26380}, {"::1", 26379}, {"s3", 26379}}));
    EXPECT_EQ(describe(*r), "redis+sentinel://:***@10.0.0.5:26380,[::1]:26379,s3:26379/mymaster/2");
    const auto tls = parse_redis_url("rediss+sentinel://s1/m");
    ASSERT_TRUE(tls.has_value()) << tls.error();
    EXPECT_TRUE(tls->tls);
    EXPECT_EQ(tls->db, 0U);
}

TEST(RedisUrl, SentinelListsAreHostsWithPorts) {
    const auto list = parse_sentinels("a:1,b");
    ASSERT_TRUE(list.has_value()) << list.error();
    EXPECT_EQ(*list, (std::vector<RedisHost>{{"a", 1}, {"b", 26379}}));
    EXPECT_FALSE(parse_sentinels("").has_value());
    EXPECT_FALSE(parse_sentinels("a:1,").has_value());
    EXPECT_FALSE(parse_sentinels("a:x").has_value());
}

}  // namespace
}  // namespace herald::cluster
