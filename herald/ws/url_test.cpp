// herald/ws/url_test.cpp
#include "herald/ws/url.h"

#include <gtest/gtest.h>

namespace herald::ws {
namespace {

TEST(WsUrl, ParsesHostPortPathAndQuery) {
    const auto url = parse_ws_url("ws://example.com:8080/chat?room=1");
    ASSERT_TRUE(url);
    EXPECT_FALSE(url->secure);
    EXPECT_EQ(url->host, "example.com");
    EXPECT_EQ(url->port, 8080);
    EXPECT_EQ(url->target, "/chat?room=1");
    EXPECT_EQ(url->host_field, "example.com:8080");
}

TEST(WsUrl, UsesDefaultPortsAndLeavesThemOutOfTheHostField) {
    const auto plain = parse_ws_url("ws://example.com");
    ASSERT_TRUE(plain);
    EXPECT_EQ(plain->port, 80);
    EXPECT_EQ(plain->target, "/");
    EXPECT_EQ(plain->host_field, "example.com");
    const auto secure = parse_ws_url("WSS://example.com/x");
    ASSERT_TRUE(secure);
    EXPECT_TRUE(secure->secure);
    EXPECT_EQ(secure->port, 443);
    EXPECT_EQ(secure->host_field, "example.com");
}

TEST(WsUrl, AcceptsBracketedIpv6Literals) {
    const auto url = parse_ws_url("ws://[::1]:6001/");
    ASSERT_TRUE(url);
    EXPECT_EQ(url->host, "::1");
    EXPECT_EQ(url->port, 6001);
    EXPECT_EQ(url->host_field, "[::1]:6001");
}

TEST(WsUrl, QueryWithoutPathGetsARootPath) {
    const auto url = parse_ws_url("ws://h?x=1");
    ASSERT_TRUE(url);
    EXPECT_EQ(url->target, "/?x=1");
}

TEST(WsUrl, RefusesWhatIsNotAWebSocketUri) {
    for (const char* bad :
         {"http://h/", "ws:/h", "ws://", "ws://h:0/", "ws://h:65536/", "ws://h:x/", "ws://h/#frag",
          "ws://[::1/", "ws://[::1]x/", "ws://user@h/", "h:80"}) {
        EXPECT_FALSE(parse_ws_url(bad)) << bad;
    }
}

}  // namespace
}  // namespace herald::ws
