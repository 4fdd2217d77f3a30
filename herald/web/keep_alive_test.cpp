// herald/web/keep_alive_test.cpp
//
// Integration: plain HTTP on persistent connections. Requests on one connection are answered in
// order, pipelined ones included; HTTP/1.0 and `Connection: close` end the connection; an idle
// connection is closed; a client that does not read its answers is paused, not queued for; an
// upgrade pipelined behind requests waits for their answers.
#include <chrono>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "herald/web/echo_fixture.h"
#include "herald/web/io_testing.h"
#include "herald/web/server.h"

namespace herald::web {
namespace {

using namespace std::chrono_literals;
using testing::RawClient;

std::string get(std::string_view target, std::string_view extra = "") {
    return "GET " + std::string(target) + " HTTP/1.1\r\nHost: x\r\n" + std::string(extra) + "\r\n";
}

std::unique_ptr<Server> answering_server(ServerOptions options) {
    auto server = std::make_unique<Server>(std::move(options));
    server->on_http([](const http::Request& request) {
        http::Response response;
        response.fields.add("Content-Type", "text/plain");
        response.body = "n=" + request.target + ";";
        return response;
    });
    return server;
}

// Reads `count` answers and checks they name /0, /1, ... in order.
void expect_answers_in_order(RawClient& raw, int count) {
    for (int i = 0; i < count; ++i) {
        const auto answer = raw.read_until(";", 10s);
        ASSERT_TRUE(answer) << "answer " << i << " missing";
        const auto expected = "n=/" + std::to_string(i) + ";";
        ASSERT_NE(answer->find("HTTP/1.1 200"), std::string::npos) << *answer;
        ASSERT_EQ(answer->substr(answer->size() - expected.size()), expected);
    }
}

TEST(KeepAliveHttp, AnswersSeveralRequestsOnOneConnection) {
    auto server = answering_server(testing::quick_server_options());
    server->start();
    RawClient raw(server->port());
    for (int i = 0; i < 3; ++i) {
        raw.send(get("/" + std::to_string(i)));
        const auto head = raw.read_until("\r\n\r\n");
        ASSERT_TRUE(head);
        EXPECT_NE(head->find("Connection: keep-alive"), std::string::npos) << *head;
        EXPECT_EQ(raw.read_until(";"), "n=/" + std::to_string(i) + ";");
    }
    raw.send(get("/last", "Connection: close\r\n"));
    const auto last = raw.read_until(";");
    ASSERT_TRUE(last);
    EXPECT_NE(last->find("Connection: close"), std::string::npos);
    EXPECT_TRUE(raw.wait_closed());
    server->stop(200ms);
}

TEST(KeepAliveHttp, AnswersPipelinedRequestsInOrder) {
    auto server = answering_server(testing::quick_server_options());
    server->start();
    RawClient raw(server->port());
    std::string batch;
    for (int i = 0; i < 100; ++i) {
        batch += get("/" + std::to_string(i));
    }
    raw.send(batch);
    expect_answers_in_order(raw, 100);
    EXPECT_FALSE(raw.read_some(100ms)) << "nothing more, and the connection stays open";
    server->stop(200ms);
}

TEST(KeepAliveHttp, PausesAClientThatDoesNotReadAndResumesWhenItDoes) {
    auto options = testing::quick_server_options();
    options.max_pipelined_responses = 4;
    auto server = answering_server(options);
    server->start();
    RawClient raw(server->port(), 4096);
    constexpr int kRequests = 20000;  // ~600 KB of requests, ~2.4 MB of answers: more than buffers
    std::thread sender([&] {
        std::string batch;
        for (int i = 0; i < kRequests; ++i) {
            batch += get("/" + std::to_string(i));
        }
        raw.send(batch);  // blocks while the server, paused, stops reading
    });
    std::this_thread::sleep_for(300ms);  // let both directions fill up
    expect_answers_in_order(raw, kRequests);
    sender.join();
    server->stop(200ms);
}

TEST(KeepAliveHttp, Http10ClosesUnlessAskedToKeepAlive) {
    auto server = answering_server(testing::quick_server_options());
    server->start();
    RawClient plain(server->port());
    plain.send("GET /0 HTTP/1.0\r\n\r\n");
    EXPECT_TRUE(plain.read_until(";"));
    EXPECT_TRUE(plain.wait_closed());

    RawClient kept(server->port());
    kept.send("GET /0 HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET /1 HTTP/1.0\r\n\r\n");
    expect_answers_in_order(kept, 2);
    EXPECT_TRUE(kept.wait_closed());
    server->stop(200ms);
}

TEST(KeepAliveHttp, ClosesAConnectionIdleBetweenRequests) {
    auto options = testing::quick_server_options();
    options.http_idle_timeout = 200ms;
    auto server = answering_server(options);
    server->start();
    RawClient raw(server->port());
    raw.send(get("/0"));
    EXPECT_TRUE(raw.read_until(";"));
    const auto before = std::chrono::steady_clock::now();
    EXPECT_TRUE(raw.wait_closed(3s));
    EXPECT_GE(std::chrono::steady_clock::now() - before, 150ms);
    server->stop(200ms);
}

TEST(KeepAliveHttp, AnUnfinishedRequestIsUnderTheHandshakeTimeout) {
    auto options = testing::quick_server_options();
    options.handshake_timeout = 200ms;
    options.http_idle_timeout = 10s;
    auto server = answering_server(options);
    server->start();
    RawClient raw(server->port());
    raw.send(get("/0"));
    EXPECT_TRUE(raw.read_until(";"));
    raw.send("GET /1 HTTP/1.1\r\n");  // and never the rest
    EXPECT_TRUE(raw.wait_closed(3s));
    server->stop(200ms);
}

TEST(KeepAliveHttp, ErrorAnswersCloseTheConnection) {
    auto server = answering_server(testing::quick_server_options());
    server->start();
    RawClient raw(server->port());
    raw.send("NOT HTTP\r\n\r\n" + get("/0"));
    const auto answer = raw.read_until("\r\n\r\n");
    ASSERT_TRUE(answer);
    EXPECT_EQ(answer->rfind("HTTP/1.1 400", 0), 0U);
    EXPECT_TRUE(raw.wait_closed());
    server->stop(200ms);
}

TEST(KeepAliveHttp, AnUpgradePipelinedBehindRequestsWaitsForTheirAnswers) {
    auto server = answering_server(testing::quick_server_options());
    server->on_websocket([](const WebSocketPtr& /*socket*/) {});
    server->start();
    RawClient raw(server->port());
    raw.send(get("/0") + get("/1") +
             "GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
             "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
    expect_answers_in_order(raw, 2);
    const auto upgrade = raw.read_until("\r\n\r\n");
    ASSERT_TRUE(upgrade);
    EXPECT_EQ(upgrade->rfind("HTTP/1.1 101", 0), 0U) << *upgrade;
    server->stop(200ms);
}

}  // namespace
}  // namespace herald::web
