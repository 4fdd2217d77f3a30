#include "herald/cli/config_values.h"

#include <array>
#include <string>

#include <gtest/gtest.h>

namespace herald::cli {
namespace {

// The message of the ConfigError that `fn` throws, or "" when it throws none.
template <typename Fn>
std::string error_of(Fn&& fn) {
    try {
        fn();
    } catch (const ConfigError& e) {
        return e.what();
    }
    return "";
}

TEST(ConfigValues, ErrorNamesOriginValueAndExpectation) {
    EXPECT_EQ(error_of([] { (void)parse_port("ten", "--port"); }),
              "config error: --port = \"ten\": expected a port number (0-65535)");
}

TEST(ConfigValues, PortAcceptsWholeRange) {
    EXPECT_EQ(parse_port("0", "p"), 0);
    EXPECT_EQ(parse_port("6001", "p"), 6001);
    EXPECT_EQ(parse_port("65535", "p"), 65535);
}

TEST(ConfigValues, PortRejectsOutOfRangeAndJunk) {
    for (const auto* text : {"65536", "-1", "", "80x", " 80", "8.0", "99999999999999999999"}) {
        EXPECT_NE(error_of([&] { (void)parse_port(text, "HERALD_PORT"); }).find("HERALD_PORT"),
                  std::string::npos)
                << text;
    }
}

TEST(ConfigValues, CountHonoursMinimum) {
    EXPECT_EQ(parse_count("0", 0, "n"), 0U);
    EXPECT_EQ(parse_count("12", 1, "n"), 12U);
    EXPECT_EQ(error_of([] { (void)parse_count("0", 1, "n"); }),
              "config error: n = \"0\": expected a positive integer");
    EXPECT_EQ(error_of([] { (void)parse_count("-3", 0, "n"); }),
              "config error: n = \"-3\": expected a non-negative integer");
}

TEST(ConfigValues, SecondsAreBetweenOneAndADay) {
    EXPECT_EQ(parse_seconds("1", "t"), std::chrono::seconds(1));
    EXPECT_EQ(parse_seconds("86400", "t"), std::chrono::seconds(86400));
    EXPECT_NE(error_of([] { (void)parse_seconds("0", "t"); }), "");
    EXPECT_NE(error_of([] { (void)parse_seconds("86401", "t"); }), "");
    EXPECT_NE(error_of([] { (void)parse_seconds("2m", "t"); }), "");
}

TEST(ConfigValues, BoolAcceptsCommonSpellings) {
    for (const auto* yes : {"true", "TRUE", "1", "yes", "On"}) {
        EXPECT_TRUE(parse_bool(yes, "b")) << yes;
    }
    for (const auto* no : {"false", "False", "0", "no", "OFF"}) {
        EXPECT_FALSE(parse_bool(no, "b")) << no;
    }
    EXPECT_NE(error_of([] { (void)parse_bool("maybe", "b"); }).find("\"maybe\""),
              std::string::npos);
}

TEST(ConfigValues, HostRejectsEmptySpacesAndSlashes) {
    EXPECT_EQ(check_host("0.0.0.0", "h"), "0.0.0.0");
    EXPECT_EQ(check_host("::1", "h"), "::1");
    EXPECT_EQ(check_host("example.org", "h"), "example.org");
    for (const auto* bad : {"", "a b", "http://x", "[::1]"}) {
        EXPECT_NE(error_of([&] { (void)check_host(bad, "h"); }), "") << bad;
    }
}

TEST(ConfigValues, HostPortForms) {
    auto hp = parse_host_port("0.0.0.0:8080", "-w");
    EXPECT_EQ(hp.host, "0.0.0.0");
    EXPECT_EQ(hp.port, 8080);
    hp = parse_host_port("localhost", "-w");
    EXPECT_EQ(hp.host, "localhost");
    EXPECT_FALSE(hp.port);
    hp = parse_host_port(":4567", "-w");
    EXPECT_EQ(hp.host, "");
    EXPECT_EQ(hp.port, 4567);
    hp = parse_host_port("[::1]:9000", "-w");
    EXPECT_EQ(hp.host, "::1");
    EXPECT_EQ(hp.port, 9000);
    hp = parse_host_port("[::]", "-w");
    EXPECT_EQ(hp.host, "::");
    EXPECT_FALSE(hp.port);
    hp = parse_host_port("::1", "-w");
    EXPECT_EQ(hp.host, "::1");
    EXPECT_FALSE(hp.port);
}

TEST(ConfigValues, HostPortErrorsShowTheWholeValue) {
    EXPECT_EQ(error_of([] { (void)parse_host_port("0.0.0.0:99999", "-a"); }),
              "config error: -a = \"0.0.0.0:99999\": expected HOST:PORT with a port number from 0 "
              "to 65535");
    EXPECT_NE(error_of([] { (void)parse_host_port("[::1", "-a"); }), "");
    EXPECT_NE(error_of([] { (void)parse_host_port("[::1]x", "-a"); }), "");
    EXPECT_NE(error_of([] { (void)parse_host_port(":", "-a"); }), "");
    EXPECT_NE(error_of([] { (void)parse_host_port("", "-a"); }), "");
}

TEST(ConfigValues, LogLevelIsOneOfTheKnownNames) {
    EXPECT_EQ(check_log_level("debug", "l"), "debug");
    EXPECT_EQ(check_log_level("WARN", "l"), "warn");
    EXPECT_EQ(check_log_level("off", "l"), "off");
    EXPECT_EQ(error_of([] { (void)check_log_level("verbose", "--log-level"); }),
              "config error: --log-level = \"verbose\": expected one of trace, debug, info, "
              "warn, error, off");
}

TEST(ConfigValues, PathPrefixNeedsLeadingSlashAndLosesTrailingOnes) {
    EXPECT_EQ(check_path_prefix("", "p"), "");
    EXPECT_EQ(check_path_prefix("/ws", "p"), "/ws");
    EXPECT_EQ(check_path_prefix("/ws/", "p"), "/ws");
    EXPECT_EQ(check_path_prefix("/", "p"), "");
    EXPECT_EQ(check_path_prefix("/a/b", "p"), "/a/b");
}

TEST(ConfigValues, PathPrefixRejectsRelativePathsAndQueries) {
    for (const auto* bad : {"ws", "/ws?x", "/a b", "/a#b"}) {
        EXPECT_NE(error_of([&] { (void)check_path_prefix(bad, "p"); }), "") << bad;
    }
}

TEST(ConfigValues, RedisUrlNeedsRedisScheme) {
    EXPECT_EQ(check_redis_url("redis://127.0.0.1:6379/0", "r"), "redis://127.0.0.1:6379/0");
    EXPECT_EQ(check_redis_url("redis://:pw@cache:6380", "r"), "redis://:pw@cache:6380");
    EXPECT_EQ(check_redis_url("rediss://cache:6380", "r"), "rediss://cache:6380");
    EXPECT_EQ(check_redis_url("redis+sentinel://s1,s2/m", "r"), "redis+sentinel://s1,s2/m");
    for (const auto* bad : {"", "127.0.0.1:6379", "redis://", "http://x", "redis://x?insecure=1",
                            "redis+sentinel://s1"}) {
        EXPECT_NE(error_of([&] { (void)check_redis_url(bad, "r"); }), "") << bad;
    }
}

TEST(ConfigValues, SentinelsAndTheMasterName) {
    EXPECT_EQ(check_redis_sentinels("10.0.0.5:26379,s2", "s"), "10.0.0.5:26379,s2");
    EXPECT_EQ(check_redis_master_name("mymaster", "m"), "mymaster");
    for (const auto* bad : {"", "a:x", "a,"}) {
        EXPECT_NE(error_of([&] { (void)check_redis_sentinels(bad, "s"); }), "") << bad;
    }
    for (const auto* bad : {"", "my master"}) {
        EXPECT_NE(error_of([&] { (void)check_redis_master_name(bad, "m"); }), "") << bad;
    }
}

TEST(ConfigValues, AppNamesAreUrlSafe) {
    EXPECT_EQ(check_app_name("765ec374ae0a69f4ce44", "k"), "765ec374ae0a69f4ce44");
    EXPECT_EQ(check_app_name("app-id_1.x~", "k"), "app-id_1.x~");
    for (const auto* bad : {"", "a/b", "a b", "a?b", "k%20"}) {
        EXPECT_NE(error_of([&] { (void)check_app_name(bad, "k"); }), "") << bad;
    }
}

TEST(ConfigValues, QuotesEscapeWhatWouldConfuse) {
    EXPECT_EQ(in_quotes("plain"), "\"plain\"");
    EXPECT_EQ(in_quotes("a\"b\\c"), "\"a\\\"b\\\\c\"");
    EXPECT_EQ(in_quotes("x\ny"), "\"x\\x0ay\"");
}

TEST(ConfigValues, ClosestNameSuggestsNearMissesOnly) {
    constexpr std::array<std::string_view, 3> kKnown = {"port", "host", "threads"};
    EXPECT_EQ(closest_name("prot", kKnown), "port");
    EXPECT_EQ(closest_name("thread", kKnown), "threads");
    EXPECT_EQ(closest_name("PORT", kKnown), "port");
    EXPECT_FALSE(closest_name("activity_timeout", kKnown));
}

}  // namespace
}  // namespace herald::cli
