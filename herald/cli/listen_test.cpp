// `herald listen` without a server: --ws-url, the settings from the flags and the environment,
// and the lines it prints. The command against a running server is listen_smoke_test.sh.
#include <algorithm>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <gtest/gtest.h>

#include "herald/cli/listen_command.h"
#include "herald/cli/listen_output.h"

namespace herald::cli {
namespace {

util::Result<ListenSettings, std::string> parse(std::vector<std::string> args,
                                                const Environment& env = {}) {
    CLI::App app{"test", "herald"};
    const ListenCommand command(app);
    args.insert(args.begin(), "listen");
    std::reverse(args.begin(), args.end());
    app.parse(args);
    EXPECT_TRUE(command.chosen());
    return command.settings(env);
}

TEST(ListenWsUrl, ReadsHostPortTlsPrefixAndKey) {
    const auto plain = parse_ws_url("ws://127.0.0.1:6001/app/key?protocol=7");
    ASSERT_TRUE(plain) << plain.error();
    EXPECT_EQ(plain->host, "127.0.0.1");
    EXPECT_EQ(plain->port, 6001);
    EXPECT_FALSE(plain->tls);
    EXPECT_EQ(plain->path_prefix, "");
    EXPECT_EQ(plain->key, "key");

    const auto secure = parse_ws_url("wss://[::1]/ws/app/k2");
    ASSERT_TRUE(secure) << secure.error();
    EXPECT_EQ(secure->host, "::1");
    EXPECT_EQ(secure->port, 443);
    EXPECT_TRUE(secure->tls);
    EXPECT_EQ(secure->path_prefix, "/ws");
    EXPECT_EQ(secure->key, "k2");

    for (const char* bad : {"http://h:1/app/k", "ws://h:1/", "ws://h:1/app/", "ws://h:0/app/k",
                            "ws://h:70000/app/k", "ws://:1/app/k", "ws://h:x/app/k"}) {
        EXPECT_FALSE(parse_ws_url(bad)) << bad;
    }
}

TEST(ListenSettingsTest, TheWsUrlOrTheApiUrl) {
    const auto from_ws = parse({"--ws-url", "ws://h:7/app/k", "news", "--count", "2"});
    ASSERT_TRUE(from_ws) << from_ws.error();
    EXPECT_EQ(from_ws->client.host, "h");
    EXPECT_EQ(from_ws->client.port, 7);
    EXPECT_EQ(from_ws->client.key, "k");
    EXPECT_EQ(from_ws->channels, std::vector<std::string>{"news"});
    EXPECT_EQ(from_ws->count, 2U);

    const Environment env{{"HERALD_URL", "http://key:secret@10.0.0.1:6001/apps/1"}};
    const auto from_env = parse({"private-a", "presence-b", "--user-id", "7"}, env);
    ASSERT_TRUE(from_env) << from_env.error();
    EXPECT_EQ(from_env->client.host, "10.0.0.1");
    EXPECT_EQ(from_env->client.port, 6001);
    EXPECT_FALSE(from_env->client.tls);
    EXPECT_EQ(from_env->client.key, "key");
    ASSERT_TRUE(from_env->client.authorizer);  // signs locally with the URL's secret
    const auto answer = from_env->client.authorizer("1.2", "presence-b");
    ASSERT_TRUE(answer);
    EXPECT_NE(answer->find(R"(\"user_id\":\"7\")"), std::string::npos) << *answer;
}

TEST(ListenSettingsTest, TheAuthEndpointAndItsHeaders) {
    const auto s = parse({"--ws-url", "ws://h:7/app/k", "--auth-endpoint", "http://a/auth",
                          "--auth-header", "Authorization: Bearer x", "--auth-header", "X-A:1",
                          "private-a", "--event", "e", "--timeout", "1.5", "--pretty"});
    ASSERT_TRUE(s) << s.error();
    EXPECT_EQ(s->client.auth_endpoint, "http://a/auth");
    EXPECT_EQ(s->client.auth_headers, (std::vector<std::pair<std::string, std::string>>{
                                              {"Authorization", "Bearer x"}, {"X-A", "1"}}));
    EXPECT_FALSE(s->client.authorizer);
    EXPECT_EQ(s->event, "e");
    EXPECT_EQ(s->timeout_seconds, 1.5);
    EXPECT_TRUE(s->pretty);
}

TEST(ListenSettingsTest, WhatIsWrongIsSaid) {
    EXPECT_FALSE(parse({"news"}));                                     // no server at all
    EXPECT_FALSE(parse({"--ws-url", "ws://h:7/app/k", "private-a"}));  // nobody to sign
    EXPECT_FALSE(parse({"--ws-url", "http://h/app/k", "news"}));
    EXPECT_FALSE(parse({"--ws-url", "ws://h:7/app/k", "--auth-endpoint", "http://a",
                        "--auth-header", "nocolon", "private-a"}));
    const Environment env{{"HERALD_URL", "http://key:secret@h:1/apps/1"}};
    EXPECT_FALSE(parse({"presence-a", "--user-info", "{not json"}, env));
    EXPECT_THROW(parse({"news", "--count", "0"}), CLI::ValidationError);
}

TEST(ListenSettingsTest, EncryptedChannelsAndSignin) {
    const Environment env{{"HERALD_URL", "http://key:secret@h:1/apps/1"}};
    const std::string master = "aGVyYWxkLWludGVyb3AtbWFzdGVyLWtleS0zMmJ5dGU=";  // 32 bytes
    EXPECT_FALSE(parse({"private-encrypted-a"}, env));  // no master key to sign with
    EXPECT_FALSE(parse({"private-encrypted-a", "--encryption-master-key", "c2hvcnQ="}, env));
    const auto encrypted = parse({"private-encrypted-a", "--encryption-master-key", master}, env);
    ASSERT_TRUE(encrypted) << encrypted.error();
    EXPECT_TRUE(encrypted->client.authorizer);
    const auto auth = encrypted->client.authorizer("1.2", "private-encrypted-a");
    ASSERT_TRUE(auth);
    EXPECT_NE(auth->find("\"shared_secret\""), std::string::npos);

    EXPECT_FALSE(parse({"--signin"}, env));  // who signs in?
    const auto signin = parse({"--signin", "--user-id", "7", "--watchlist", "8"}, env);
    ASSERT_TRUE(signin) << signin.error();
    EXPECT_TRUE(signin->signin);
    EXPECT_TRUE(signin->channels.empty());
    const auto user = signin->client.user_authenticator("1.2");
    ASSERT_TRUE(user);
    EXPECT_NE(user->find(R"(\"watchlist\":[\"8\"])"), std::string::npos) << *user;
    const auto endpoint = parse(
            {"--ws-url", "ws://h:7/app/k", "--user-auth-endpoint", "http://a/u", "--user-id", "7"});
    ASSERT_TRUE(endpoint) << endpoint.error();
    EXPECT_TRUE(endpoint->signin);
    EXPECT_EQ(endpoint->client.user_auth_endpoint, "http://a/u");
    EXPECT_EQ(endpoint->client.user_auth_params,
              (std::vector<std::pair<std::string, std::string>>{{"user_id", "7"}}));
}

TEST(ListenOutput, OneJsonLinePerEvent) {
    EXPECT_EQ(listen_line({"update", "news", R"({"x": [1, "a"]})", std::nullopt}, false),
              "{\"channel\":\"news\",\"event\":\"update\",\"data\":{\"x\":[1,\"a\"]}}\n");
    EXPECT_EQ(listen_line({"client-hi", "presence-r", "plain text", "u1"}, false),
              "{\"channel\":\"presence-r\",\"event\":\"client-hi\",\"data\":\"plain "
              "text\",\"user_id\":\"u1\"}\n");
    EXPECT_EQ(listen_line({"pusher:member_added", "presence-r",
                           R"({"user_id":"u2","user_info":{"name":"Bo"}})", "u2"},
                          false),
              "{\"channel\":\"presence-r\",\"event\":\"pusher:member_added\",\"user_id\":\"u2\","
              "\"user_info\":{\"name\":\"Bo\"}}\n");
    EXPECT_EQ(listen_line({"online", "", R"({"name":"online","user_ids":["7"]})", std::nullopt},
                          false),
              "{\"event\":\"online\",\"data\":{\"name\":\"online\",\"user_ids\":[\"7\"]}}\n");
}

TEST(ListenOutput, PrettyLinesAndWhichEventsArePrinted) {
    EXPECT_EQ(listen_line({"update", "news", R"({"x":1})", std::nullopt}, true),
              "news  update  {\"x\":1}\n");
    EXPECT_EQ(listen_line({"pusher:member_removed", "presence-r",
                           R"({"user_id":"u2","user_info":null})", "u2"},
                          true),
              "presence-r  pusher:member_removed  u2  null\n");
    EXPECT_TRUE(is_listened_event({"update", "news", "", std::nullopt}));
    EXPECT_TRUE(is_listened_event({"pusher:member_added", "presence-r", "", "u"}));
    EXPECT_FALSE(is_listened_event({"pusher:subscription_succeeded", "news", "{}", std::nullopt}));
    EXPECT_FALSE(is_listened_event({"pusher:subscription_count", "news", "", std::nullopt}));
}

}  // namespace
}  // namespace herald::cli
