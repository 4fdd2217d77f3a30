#include "herald/ws/handshake.h"

#include <set>
#include <string>

#include <gtest/gtest.h>

#include "herald/http/parser.h"
#include "herald/util/base64.h"

namespace herald::ws {
namespace {

constexpr std::string_view kSampleKey = "dGhlIHNhbXBsZSBub25jZQ==";  // RFC 6455 §1.3

http::Request upgrade_request() {
    http::Request request;
    request.target = "/app/key?protocol=7";
    request.fields.add("Host", "server.example.com");
    request.fields.add("Upgrade", "websocket");
    request.fields.add("Connection", "Upgrade");
    request.fields.add("Sec-WebSocket-Key", std::string(kSampleKey));
    request.fields.add("Sec-WebSocket-Version", "13");
    return request;
}

http::Request parse_request(std::string_view wire) {
    http::RequestParser parser;
    const auto step = parser.feed(wire);
    EXPECT_EQ(step.status, http::ParseStatus::Done) << step.error;
    return parser.request();
}

void expect_refused(const http::Request& request, unsigned status, std::string_view why) {
    const auto handshake = accept_handshake(request, {});
    EXPECT_FALSE(handshake.accepted);
    EXPECT_EQ(handshake.response.status, status) << handshake.error;
    EXPECT_NE(handshake.error.find(why), std::string::npos) << handshake.error;
    EXPECT_NE(handshake.response.body.find(why), std::string::npos) << handshake.response.body;
    EXPECT_EQ(handshake.response.fields.count("Sec-WebSocket-Accept"), 0U);
}

TEST(AcceptKey, MatchesTheRfcExample) {
    EXPECT_EQ(accept_key(kSampleKey), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
    EXPECT_NE(accept_key("AQIDBAUGBwgJCgsMDQ4PEA=="), accept_key(kSampleKey));
}

TEST(AcceptHandshake, AcceptsTheRfcExample) {
    const auto handshake = accept_handshake(upgrade_request(), {});
    ASSERT_TRUE(handshake.accepted) << handshake.error;
    EXPECT_EQ(http::serialize(handshake.response),
              "HTTP/1.1 101 Switching Protocols\r\n"
              "Upgrade: websocket\r\n"
              "Connection: Upgrade\r\n"
              "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n");
    EXPECT_TRUE(handshake.protocol.empty());
    EXPECT_FALSE(handshake.deflate.has_value());
    EXPECT_TRUE(handshake.error.empty());
}

TEST(AcceptHandshake, AcceptsAChromiumRequest) {
    const auto request = parse_request(
            "GET /app/key?protocol=7&client=js&version=8.4.0 HTTP/1.1\r\n"
            "Host: localhost:6001\r\n"
            "Connection: Upgrade\r\n"
            "Pragma: no-cache\r\n"
            "Cache-Control: no-cache\r\n"
            "User-Agent: Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0.0.0 Safari/537.36\r\n"
            "Upgrade: websocket\r\n"
            "Origin: http://localhost:8080\r\n"
            "Sec-WebSocket-Version: 13\r\n"
            "Accept-Encoding: gzip, deflate, br\r\n"
            "Sec-WebSocket-Key: x3JJHMbDL1EzLkh9GBhXDw==\r\n"
            "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n\r\n");
    ServerHandshakeOptions options;
    options.deflate.enabled = true;
    const auto handshake = accept_handshake(request, options);
    ASSERT_TRUE(handshake.accepted) << handshake.error;
    EXPECT_EQ(handshake.response.fields.get("Sec-WebSocket-Accept"),
              "HSmrc0sMlYUkAGmm5OPpG2HaGWk=");
    EXPECT_EQ(handshake.response.fields.get("Sec-WebSocket-Extensions"),
              "permessage-deflate; server_no_context_takeover; client_no_context_takeover");
    ASSERT_TRUE(handshake.deflate.has_value());
    EXPECT_TRUE(handshake.deflate->server_no_context_takeover);
}

TEST(AcceptHandshake, AcceptsANodeWsRequest) {
    const auto request = parse_request(
            "GET / HTTP/1.1\r\n"
            "Sec-WebSocket-Version: 13\r\n"
            "Sec-WebSocket-Key: AQIDBAUGBwgJCgsMDQ4PEA==\r\n"
            "Connection: Upgrade\r\n"
            "Upgrade: websocket\r\n"
            "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n"
            "Sec-WebSocket-Protocol: pusher, chat\r\n"
            "Host: 127.0.0.1:6001\r\n\r\n");
    ServerHandshakeOptions options;
    options.subprotocols = {"chat", "pusher"};
    const auto handshake = accept_handshake(request, options);
    ASSERT_TRUE(handshake.accepted) << handshake.error;
    EXPECT_EQ(handshake.protocol, "chat");  // our preference order, not the client's
    EXPECT_EQ(handshake.response.fields.get("Sec-WebSocket-Protocol"), "chat");
    EXPECT_EQ(handshake.response.fields.count("Sec-WebSocket-Extensions"), 0U);  // deflate disabled
    EXPECT_FALSE(handshake.deflate.has_value());
}

TEST(AcceptHandshake, FindsTokensInListsAndRepeatedFields) {
    auto request = upgrade_request();
    request.fields.set("Connection", "keep-alive");
    request.fields.add("connection", "UPGRADE");
    request.fields.set("Upgrade", "h2c, WebSocket");
    EXPECT_TRUE(accept_handshake(request, {}).accepted);
    request.fields.set("Connection", "keep-alive, upgraded");
    EXPECT_FALSE(accept_handshake(request, {}).accepted);
}

TEST(AcceptHandshake, SelectsNoSubprotocolWhenNoneMatches) {
    auto request = upgrade_request();
    request.fields.add("Sec-WebSocket-Protocol", "mqtt");
    request.fields.add("Sec-WebSocket-Protocol", "Chat");  // names are case-sensitive
    ServerHandshakeOptions options;
    options.subprotocols = {"chat"};
    const auto handshake = accept_handshake(request, options);
    ASSERT_TRUE(handshake.accepted);
    EXPECT_TRUE(handshake.protocol.empty());
    EXPECT_EQ(handshake.response.fields.count("Sec-WebSocket-Protocol"), 0U);
    request.fields.add("Sec-WebSocket-Protocol", "chat");
    EXPECT_EQ(accept_handshake(request, options).protocol, "chat");
}

TEST(AcceptHandshake, NegotiatesDeflateAcrossRepeatedExtensionFields) {
    auto request = upgrade_request();
    request.fields.add("Sec-WebSocket-Extensions", "x-unknown; a=1");
    request.fields.add("Sec-WebSocket-Extensions", "permessage-deflate; server_max_window_bits=10");
    ServerHandshakeOptions options;
    options.deflate.enabled = true;
    options.deflate.client_no_context_takeover = false;
    const auto handshake = accept_handshake(request, options);
    ASSERT_TRUE(handshake.accepted);
    EXPECT_EQ(handshake.response.fields.get("Sec-WebSocket-Extensions"),
              "permessage-deflate; server_no_context_takeover; server_max_window_bits=10");
    ASSERT_TRUE(handshake.deflate.has_value());
    EXPECT_EQ(handshake.deflate->server_max_window_bits, 10);
}

TEST(AcceptHandshake, RefusesOtherMethodsWith405) {
    auto request = upgrade_request();
    request.method = "POST";
    EXPECT_TRUE(is_upgrade_request(request));
    expect_refused(request, 405, "GET");
    EXPECT_EQ(accept_handshake(request, {}).response.fields.get("Allow"), "GET");
}

TEST(AcceptHandshake, RefusesHttp10) {
    auto request = upgrade_request();
    request.version = 10;
    expect_refused(request, 400, "HTTP/1.1");
}

TEST(AcceptHandshake, RefusesAMissingOrRepeatedHost) {
    auto request = upgrade_request();
    request.fields.add("Host", "other.example.com");
    expect_refused(request, 400, "Host");
    const auto full = upgrade_request();
    http::Request missing;
    for (const auto& field : full.fields.all()) {
        if (field.name != "Host") {
            missing.fields.add(field.name, field.value);
        }
    }
    expect_refused(missing, 400, "Host");
}

TEST(AcceptHandshake, RefusesMissingUpgradeTokens) {
    auto request = upgrade_request();
    request.fields.set("Upgrade", "h2c");
    EXPECT_FALSE(is_upgrade_request(request));
    expect_refused(request, 400, "Upgrade");
    request = upgrade_request();
    request.fields.set("Connection", "keep-alive");
    expect_refused(request, 400, "Connection");
}

TEST(AcceptHandshake, RefusesOtherVersionsWith426) {
    for (const std::string version : {"8", "14", "13, 8", ""}) {
        auto request = upgrade_request();
        request.fields.set("Sec-WebSocket-Version", version);
        expect_refused(request, 426, "Sec-WebSocket-Version");
        const auto handshake = accept_handshake(request, {});
        EXPECT_EQ(handshake.response.fields.get("Sec-WebSocket-Version"), "13");
        EXPECT_EQ(handshake.response.fields.get("Upgrade"), "websocket");
    }
    auto twice = upgrade_request();
    twice.fields.add("Sec-WebSocket-Version", "13");
    expect_refused(twice, 426, "Sec-WebSocket-Version");
}

TEST(AcceptHandshake, RefusesBadKeys) {
    for (const std::string key :
         {"", "dGhlIHNhbXBsZSBub25jZQ", "dGhlIHNhbXBsZSBub25jZQ==dGhl",
          "c2hvcnQ=", "AQIDBAUGBwgJCgsMDQ4PEBE=", "d GhlIHNhbXBsZSBub25jZQ="}) {
        auto request = upgrade_request();
        request.fields.set("Sec-WebSocket-Key", key);
        expect_refused(request, 400, "Sec-WebSocket-Key");
    }
    auto twice = upgrade_request();
    twice.fields.add("Sec-WebSocket-Key", std::string(kSampleKey));
    expect_refused(twice, 400, "Sec-WebSocket-Key");
}

TEST(AcceptHandshake, RefusalsAreTextThatClosesTheConnection) {
    auto request = upgrade_request();
    request.fields.set("Sec-WebSocket-Key", "nope");
    const auto handshake = accept_handshake(request, {});
    EXPECT_EQ(handshake.response.fields.get("Connection"), "close");
    EXPECT_FALSE(handshake.deflate.has_value());
    EXPECT_EQ(handshake.response.body, handshake.error + "\n");
}

TEST(IsUpgradeRequest, RecognisesTheUpgradeFieldOnly) {
    EXPECT_TRUE(is_upgrade_request(upgrade_request()));
    http::Request plain;
    plain.fields.add("Host", "h");
    plain.fields.add("Connection", "upgrade");
    EXPECT_FALSE(is_upgrade_request(plain));
    plain.fields.add("Upgrade", "foo, WEBSOCKET");
    EXPECT_TRUE(is_upgrade_request(plain));
}

ClientHandshakeOptions client_options() {
    ClientHandshakeOptions options;
    options.host = "127.0.0.1:6001";
    options.target = "/app/key?protocol=7";
    options.origin = "http://localhost";
    options.subprotocols = {"pusher", "chat"};
    options.extra_fields = {{"User-Agent", "herald-test"}};
    return options;
}

TEST(MakeClientRequest, BuildsAValidUpgradeRequest) {
    const auto options = client_options();
    const auto client = make_client_request(options);
    const auto& request = client.request;
    EXPECT_EQ(request.method, "GET");
    EXPECT_EQ(request.target, "/app/key?protocol=7");
    EXPECT_EQ(request.fields.get("Host"), "127.0.0.1:6001");
    EXPECT_EQ(request.fields.get("Origin"), "http://localhost");
    EXPECT_EQ(request.fields.get("Sec-WebSocket-Protocol"), "pusher, chat");
    EXPECT_EQ(request.fields.get("User-Agent"), "herald-test");
    EXPECT_EQ(request.fields.get("Sec-WebSocket-Key"), client.key);
    EXPECT_EQ(request.fields.count("Sec-WebSocket-Extensions"), 0U);
    EXPECT_TRUE(is_upgrade_request(request));
    // Our own server accepts it, through the wire format.
    const auto handshake =
            accept_handshake(parse_request(http::serialize(request)), {{"chat"}, {}});
    ASSERT_TRUE(handshake.accepted) << handshake.error;
    EXPECT_EQ(handshake.protocol, "chat");
}

TEST(MakeClientRequest, UsesAFreshKeyOfSixteenRandomBytes) {
    std::set<std::string> keys;
    for (int i = 0; i < 50; ++i) {
        const auto client = make_client_request(client_options());
        const auto raw = util::base64_decode(client.key);
        ASSERT_TRUE(raw.has_value());
        EXPECT_EQ(raw->size(), 16U);
        keys.insert(client.key);
    }
    EXPECT_EQ(keys.size(), 50U);
}

TEST(MakeClientRequest, OffersDeflateWhenEnabled) {
    auto options = client_options();
    options.deflate.enabled = true;
    const auto client = make_client_request(options);
    EXPECT_EQ(client.request.fields.get("Sec-WebSocket-Extensions"),
              make_deflate_offer(options.deflate));
}

// The server's answer to `client`, as our own server would give it.
http::Response answer_for(const ClientRequest& client, const ServerHandshakeOptions& server) {
    return accept_handshake(client.request, server).response;
}

TEST(VerifyServerResponse, AcceptsOurServersAnswer) {
    auto options = client_options();
    options.deflate.enabled = true;
    const auto client = make_client_request(options);
    ServerHandshakeOptions server{{"chat"}, {}};
    server.deflate.enabled = true;
    const auto result = verify_server_response(answer_for(client, server), client.key, options);
    ASSERT_TRUE(result.has_value()) << result.error();
    EXPECT_EQ(result->protocol, "chat");
    ASSERT_TRUE(result->deflate.has_value());
    EXPECT_TRUE(result->deflate->server_no_context_takeover);
}

TEST(VerifyServerResponse, AcceptsTheRfcExampleWithoutExtras) {
    http::Response response;
    response.status = 101;
    response.fields.add("upgrade", "WebSocket");
    response.fields.add("connection", "upgrade");
    response.fields.add("sec-websocket-accept", "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
    const auto result = verify_server_response(response, std::string(kSampleKey), client_options());
    ASSERT_TRUE(result.has_value()) << result.error();
    EXPECT_TRUE(result->protocol.empty());
    EXPECT_FALSE(result->deflate.has_value());
}

void expect_client_refusal(const util::Result<ClientHandshake, std::string>& result,
                           std::string_view why) {
    ASSERT_FALSE(result.has_value()) << why;
    EXPECT_NE(result.error().find(why), std::string::npos) << result.error();
}

struct Tamper {
    const char* why;
    void (*apply)(http::Response&);
};

TEST(VerifyServerResponse, RefusesEveryFlaw) {
    const auto options = client_options();
    const auto client = make_client_request(options);
    const Tamper tampers[] = {
            {"101",
             [](http::Response& r) {
                 r.status = 200;
             }},
            {"Upgrade",
             [](http::Response& r) {
                 r.fields.set("Upgrade", "h2c");
             }},
            {"Connection",
             [](http::Response& r) {
                 r.fields.set("Connection", "keep-alive");
             }},
            {"Accept",
             [](http::Response& r) {
                 r.fields.set("Sec-WebSocket-Accept", "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
             }},
            {"Accept",
             [](http::Response& r) {
                 r.fields.add("Sec-WebSocket-Accept", "x");
             }},
            {"subprotocol",
             [](http::Response& r) {
                 r.fields.set("Sec-WebSocket-Protocol", "mqtt");
             }},
            {"subprotocol",
             [](http::Response& r) {
                 r.fields.set("Sec-WebSocket-Protocol", "pusher, chat");
             }},
            {"extensions",
             [](http::Response& r) {
                 r.fields.set("Sec-WebSocket-Extensions", "permessage-deflate");
             }},
    };
    const auto good = answer_for(client, {{"chat"}, {}});
    ASSERT_TRUE(verify_server_response(good, client.key, options).has_value());
    for (const auto& tamper : tampers) {
        auto response = good;
        tamper.apply(response);
        expect_client_refusal(verify_server_response(response, client.key, options), tamper.why);
    }
}

TEST(VerifyServerResponse, RefusesABadDeflateAnswer) {
    auto options = client_options();
    options.deflate.enabled = true;
    const auto client = make_client_request(options);
    ServerHandshakeOptions server;
    server.deflate.enabled = true;
    auto response = answer_for(client, server);
    response.fields.set("Sec-WebSocket-Extensions",
                        "permessage-deflate; client_max_window_bits=16");
    const auto result = verify_server_response(response, client.key, options);
    ASSERT_FALSE(result.has_value());
    EXPECT_NE(result.error().find("Sec-WebSocket-Extensions"), std::string::npos) << result.error();
    response.fields.set("Sec-WebSocket-Extensions",
                        "permessage-deflate; server_no_context_takeover, x-other");
    EXPECT_FALSE(verify_server_response(response, client.key, options).has_value());
}

TEST(VerifyServerResponse, SaysWhichStatusCameBack) {
    const auto result =
            verify_server_response(http::text_response(426, "no"), "k", client_options());
    ASSERT_FALSE(result.has_value());
    EXPECT_NE(result.error().find("426 Upgrade Required"), std::string::npos) << result.error();
}

}  // namespace
}  // namespace herald::ws
