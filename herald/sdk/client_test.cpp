// The blocking client against a small in-process HTTP server: what goes on the wire, how answers
// and failures become results or exceptions, keep-alive, timeouts, and the argument checks that
// stop a request before anything is sent. The asynchronous forms are in client_async_test.cpp.
#include "herald/sdk/client.h"

#include <chrono>
#include <cstdlib>

#include <gtest/gtest.h>

#include "herald/sdk/encryption.h"
#include "herald/sdk/test_http_server.h"

namespace herald::sdk {
namespace {

using std::chrono::milliseconds;
using testing::CannedReply;
using testing::kMasterKey;
using testing::local_options;
using testing::TestHttpServer;

std::string query_value(const std::string& target, const std::string& key) {
    const auto at = target.find(key + "=");
    if (at == std::string::npos) {
        return "<absent>";
    }
    const auto start = at + key.size() + 1;
    return target.substr(start, target.find('&', start) - start);
}

TEST(Client, TriggerPostsASignedJsonBodyAndReturnsTheAnswer) {
    TestHttpServer server;
    server.reply_with({200, R"({"channels":{"a":{"subscription_count":2}}})"});
    Client client(local_options(server.port()));
    const Json answer = client.trigger({"a", "b"}, "ev", Json::object({{"x", 1}}),
                                       {"1.2", "subscription_count"});
    EXPECT_EQ(answer["channels"]["a"]["subscription_count"].as_int(), 2);
    const auto requests = server.requests();
    ASSERT_EQ(requests.size(), 1U);
    EXPECT_EQ(requests[0].method, "POST");
    EXPECT_TRUE(requests[0].target.starts_with("/apps/42/events?auth_key=the-key&auth_timestamp="));
    EXPECT_EQ(
            requests[0].body,
            R"({"name":"ev","data":"{\"x\":1}","channels":["a","b"],"socket_id":"1.2","info":"subscription_count"})");
    EXPECT_NE(requests[0].head.find("Content-Type: application/json\r\n"), std::string::npos);
    EXPECT_NE(requests[0].head.find("X-Pusher-Library: herald-sdk-cpp "), std::string::npos);
    EXPECT_EQ(query_value(requests[0].target, "auth_signature").size(), 64U);
}

TEST(Client, StringDataIsSentAsItIsAndJsonDataIsEncodedOnce) {
    TestHttpServer server;
    Client client(local_options(server.port()));
    client.trigger("c", "e", "already \"text\"");
    client.trigger("c", "e", Json("a json string"));
    client.channel("c").trigger("e", Json::array({1, "two", nullptr}));
    const auto requests = server.requests();
    ASSERT_EQ(requests.size(), 3U);
    EXPECT_NE(requests[0].body.find(R"("data":"already \"text\"")"), std::string::npos);
    EXPECT_NE(requests[1].body.find(R"("data":"\"a json string\"")"), std::string::npos);
    EXPECT_NE(requests[2].body.find(R"("data":"[1,\"two\",null]")"), std::string::npos);
}

TEST(Client, QueriesUseTheDocumentedPathsAndParameters) {
    TestHttpServer server;
    Client client(local_options(server.port()));
    client.channel_info("presence-room", "user_count");
    client.channel_users("presence-room");
    client.channels({"presence-", "user_count"});
    client.send_to_user("alice", "hello", "hi");
    client.terminate_user_connections("alice");
    client.get("/custom", {{"x", "y z"}});
    const auto r = server.requests();
    ASSERT_EQ(r.size(), 6U);
    EXPECT_TRUE(r[0].target.starts_with("/apps/42/channels/presence-room?"));
    EXPECT_EQ(query_value(r[0].target, "info"), "user_count");
    EXPECT_TRUE(r[1].target.starts_with("/apps/42/channels/presence-room/users?"));
    EXPECT_EQ(query_value(r[2].target, "filter_by_prefix"), "presence-");
    EXPECT_NE(r[3].body.find(R"("channels":["#server-to-user-alice"])"), std::string::npos);
    EXPECT_TRUE(r[4].target.starts_with("/apps/42/users/alice/terminate_connections?"));
    EXPECT_EQ(r[4].body, "{}");
    EXPECT_EQ(query_value(r[5].target, "x"), "y%20z");  // escaped in the URL, signed unescaped
    for (const auto& request : r) {
        EXPECT_EQ(request.method, request.body.empty() ? "GET" : "POST");
    }
}

TEST(Client, SequentialRequestsReuseOneConnection) {
    TestHttpServer server;
    Client client(local_options(server.port()));
    client.channels();
    client.channels();
    client.trigger("c", "e", "d");
    client.get_async("/channels").get();
    client.get_async("/channels").get();
    const auto r = server.requests();
    ASSERT_EQ(r.size(), 5U);
    EXPECT_EQ(r[0].connection, r[1].connection);
    EXPECT_EQ(r[1].connection, r[2].connection);
    EXPECT_EQ(r[3].connection, r[4].connection);  // the background thread's own connection
    EXPECT_EQ(server.accepted(), 2);
}

TEST(Client, ErrorStatusesBecomeTypedExceptionsWithTheServersMessage) {
    TestHttpServer server;
    server.reply_with({401, R"({"error":"Invalid signature: you should have sent ..."})"});
    server.reply_with({403, "App disabled"});
    server.reply_with({400, R"({"error":"Invalid channel name"})"});
    server.reply_with({500, "boom"});
    server.reply_with({200, "not json"});
    Client client(local_options(server.port()));
    try {
        client.channels();
        FAIL() << "no exception";
    } catch (const AuthenticationError& e) {
        EXPECT_EQ(e.status(), 401);
        EXPECT_NE(std::string(e.what()).find("Invalid signature"), std::string::npos);
    }
    EXPECT_THROW(client.channels(), AuthenticationError);
    try {
        client.trigger("c", "e", "d");
        FAIL() << "no exception";
    } catch (const AuthenticationError&) {
        FAIL() << "a 400 is not an authentication error";
    } catch (const HttpError& e) {
        EXPECT_EQ(e.status(), 400);
        EXPECT_EQ(e.body(), R"({"error":"Invalid channel name"})");
        EXPECT_NE(std::string(e.what()).find("POST /apps/42/events: HTTP 400"), std::string::npos);
    }
    EXPECT_THROW(client.channels(), HttpError);
    try {
        client.channels();
        FAIL() << "no exception";
    } catch (const HttpError&) {
        FAIL() << "a 200 is not an HTTP error";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("not valid JSON"), std::string::npos);
    }
}

TEST(Client, ARefusedConnectionIsANetworkError) {
    std::uint16_t port = 0;
    {
        const TestHttpServer closed;
        port = closed.port();
    }
    Client client(local_options(port));
    try {
        client.channels();
        FAIL() << "no exception";
    } catch (const NetworkError& e) {
        EXPECT_FALSE(e.timed_out());
    }
}

TEST(Client, AServerThatNeverAnswersTimesOutSyncAndAsync) {
    TestHttpServer server(/*silent=*/true);
    Options options = local_options(server.port());
    options.timeout = milliseconds(300);
    Client client(options);
    const auto start = std::chrono::steady_clock::now();
    try {
        client.trigger("c", "e", "d");
        FAIL() << "no exception";
    } catch (const NetworkError& e) {
        EXPECT_TRUE(e.timed_out()) << e.what();
    }
    auto future = client.trigger_async({"c"}, "e", "d");
    ASSERT_EQ(future.wait_for(std::chrono::seconds(5)), std::future_status::ready);
    EXPECT_THROW(future.get(), NetworkError);
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(4));
}

TEST(Client, EncryptedTriggersAreSealedWithTheChannelKey) {
    TestHttpServer server;
    Client client(local_options(server.port()));
    client.trigger("private-encrypted-x", "e", Json::object({{"secret", 42}}));
    const auto body = Json::parse(server.requests().at(0).body);
    const std::string key =
            derive_channel_key("private-encrypted-x", *decode_master_key(kMasterKey));
    EXPECT_EQ(open(key, body["data"].as_string()), R"({"secret":42})");
    EXPECT_EQ(client.channel_shared_secret("private-encrypted-x").size(), 44U);
}

TEST(Client, BadArgumentsAreRefusedBeforeAnythingIsSent) {
    TestHttpServer server;
    Client client(local_options(server.port()));
    const std::vector<std::string> many(101, "c");
    EXPECT_THROW(client.trigger(many, "e", "d"), Error);
    EXPECT_THROW(client.trigger(std::vector<std::string>{}, "e", "d"), Error);
    EXPECT_THROW(client.trigger("bad channel", "e", "d"), Error);
    EXPECT_THROW(client.trigger("c", std::string(201, 'e'), "d"), Error);
    EXPECT_THROW(client.trigger("c", "", "d"), Error);
    EXPECT_THROW(client.trigger("c", "e", "d", {"1.1:", {}}), Error);
    EXPECT_THROW(client.trigger({"private-encrypted-a", "b"}, "e", "d"), Error);
    EXPECT_THROW(client.trigger("c", "e", std::string(10 * 1024 + 1, 'x')), Error);
    EXPECT_THROW(client.trigger_batch(std::vector<BatchEvent>(11, {"c", "e", "d", {}, {}})), Error);
    EXPECT_THROW(client.channel_info("a b"), Error);
    EXPECT_THROW(client.send_to_user("", "e", "d"), Error);
    EXPECT_THROW(client.get("channels"), Error);
    EXPECT_THROW(static_cast<void>(client.trigger_async({"bad channel"}, "e", "d")), Error);
    Options plain = local_options(server.port());
    plain.encryption_master_key_base64.clear();
    Client no_key(plain);
    EXPECT_THROW(no_key.trigger("private-encrypted-a", "e", "d"), ConfigurationError);
    EXPECT_THROW(static_cast<void>(no_key.authenticate("private-encrypted-a", "1.1")),
                 ConfigurationError);
    try {
        client.trigger("c", "e", "d", {"12.x", {}});
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("invalid socket id '12.x'"), std::string::npos);
    }
    EXPECT_TRUE(server.requests().empty());
}

TEST(Client, TheLoggerSeesRequestsButNeverTheSecret) {
    TestHttpServer server;
    server.reply_with({200, "{}"});
    server.reply_with({401, "nope"});
    std::vector<std::string> lines;
    Options options = local_options(server.port());
    options.logger = [&lines](LogLevel level, std::string_view text) {
        lines.push_back(std::string(describe(level)) + " " + std::string(text));
    };
    Client client(options);
    client.channels();
    EXPECT_THROW(client.channels(), AuthenticationError);
    ASSERT_GE(lines.size(), 3U);
    EXPECT_EQ(lines.front(), "debug GET /apps/42/channels");
    EXPECT_TRUE(lines.back().starts_with("warning GET /apps/42/channels: HTTP 401"));
    for (const auto& line : lines) {
        EXPECT_EQ(line.find("the-secret"), std::string::npos);
    }
}

TEST(Client, AuthenticateChecksItsInput) {
    const Client client(local_options(1));
    EXPECT_THROW(static_cast<void>(client.authenticate("private-a", "1.1\n")), Error);
    EXPECT_THROW(static_cast<void>(client.authenticate("private a", "1.1")), Error);
    EXPECT_THROW(static_cast<void>(client.authenticate("presence-a", "1.1")), Error);
    EXPECT_THROW(static_cast<void>(client.authenticate("presence-a", "1.1", {"", {}})), Error);
    EXPECT_THROW(static_cast<void>(client.authenticate_user("1.1", Json::object())), Error);
    EXPECT_THROW(static_cast<void>(client.authenticate_user("1.1", Json::object({{"id", 5}}))),
                 Error);
    const auto presence = client.authenticate("presence-a", "1.1", {"u1", nullptr});
    EXPECT_EQ(*presence.channel_data, R"({"user_id":"u1"})");
    const auto encrypted = client.authenticate("private-encrypted-a", "1.1");
    EXPECT_EQ(encrypted.shared_secret, client.channel_shared_secret("private-encrypted-a"));
}

TEST(DefaultClient, ComesFromTheEnvironmentOrFromSetDefaultClient) {
    ::setenv("HERALD_URL", "http://k:s@127.0.0.1:7001/apps/77",
             1);  // NOLINT(concurrency-mt-unsafe)
    set_default_client(Options::from_env());
    EXPECT_EQ(default_client()->options().app_id, "77");
    EXPECT_EQ(default_client()->endpoint().base_url(), "http://127.0.0.1:7001");
    set_default_client(local_options(9));
    EXPECT_EQ(default_client()->options().app_id, "42");
    ::unsetenv("HERALD_URL");  // NOLINT(concurrency-mt-unsafe)
}

}  // namespace
}  // namespace herald::sdk
