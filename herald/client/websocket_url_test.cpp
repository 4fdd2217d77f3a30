// herald/client/websocket_url_test.cpp
//
// Where a Client connects: the host from the options (given, from the cluster, or the default)
// and the URL around it.
#include <stdexcept>

#include <gtest/gtest.h>

#include "herald/client/client.h"

namespace herald::client {
namespace {

TEST(WebsocketUrl, DefaultsToLoopbackOnHeraldsPort) {
    Options options;
    options.key = "app-key";
    EXPECT_EQ(websocket_url(options),
              "ws://127.0.0.1:6001/app/app-key?protocol=7&client=herald-cpp&version=0.1.0"
              "&flash=false");
}

TEST(WebsocketUrl, AClusterGivesPushersHostAsPusherJsDoes) {
    Options options;
    options.key = "k";
    options.cluster = "eu";
    options.tls = true;
    options.port = 443;
    EXPECT_EQ(websocket_host(options), "ws-eu.pusher.com");
    EXPECT_TRUE(websocket_url(options).starts_with("wss://ws-eu.pusher.com:443/app/k?"));
}

TEST(WebsocketUrl, AGivenHostWinsOverTheCluster) {
    Options options;
    options.cluster = "mt1";
    options.host = "realtime.example.com";
    EXPECT_EQ(websocket_host(options), "realtime.example.com");
    options.host = "::1";
    EXPECT_TRUE(websocket_url(options).starts_with("ws://[::1]:6001/app/"));
}

TEST(WebsocketUrl, AClusterThatCouldChangeTheUrlIsRefused) {
    for (const char* cluster : {"eu/x", "eu.evil.com", "EU", "eu x", "eu?a=b", "eu@h"}) {
        Options options;
        options.cluster = cluster;
        EXPECT_THROW((void)websocket_url(options), std::invalid_argument) << cluster;
    }
}

}  // namespace
}  // namespace herald::client
