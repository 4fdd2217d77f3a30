// herald/web/server_test.cpp
//
// Integration: routing of plain HTTP and event-stream requests, broadcasts over the per-worker
// registries, slow consumers, and that closed connections give their descriptors back.
#include "herald/web/server.h"

#include <atomic>
#include <string>

#include <dirent.h>
#include <gtest/gtest.h>

#include "herald/net/testing.h"
#include "herald/web/echo_fixture.h"

namespace herald::web {
namespace {

using namespace std::chrono_literals;
using testing::EchoFixture;
using testing::RawClient;
using testing::Recorder;

std::size_t open_descriptors() {
    std::size_t count = 0;
    if (DIR* dir = ::opendir("/proc/self/fd")) {
        while (::readdir(dir) != nullptr) {
            ++count;
        }
        ::closedir(dir);
    }
    return count;
}

using ServerRouting = EchoFixture;

TEST_F(ServerRouting, PlainRequestsGoToTheHttpHandler) {
    server_ = std::make_unique<Server>(testing::quick_server_options());
    server_->on_http([](const http::Request& request) {
        http::Response response;
        response.fields.add("Content-Type", "text/plain");
        response.body = "you asked for " + request.target;
        return response;
    });
    server_->start();
    RawClient raw(server_->port());
    raw.send("GET /page?x=1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    const auto head = raw.read_until("\r\n\r\n");
    ASSERT_TRUE(head);
    EXPECT_EQ(head->rfind("HTTP/1.1 200", 0), 0U);
    EXPECT_NE(head->find("Connection: close"), std::string::npos);
    EXPECT_EQ(raw.read_until("x=1"), "you asked for /page?x=1");
    EXPECT_TRUE(raw.wait_closed());
}

TEST_F(ServerRouting, WithoutHandlersRequestsGet404) {
    server_ = std::make_unique<Server>(testing::quick_server_options());
    server_->start();
    RawClient page(server_->port());
    page.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(page.read_until("\r\n")->rfind("HTTP/1.1 404", 0), 0U);
    RawClient upgrade(server_->port());
    EXPECT_EQ(upgrade.handshake()->rfind("HTTP/1.1 404", 0), 0U);
}

TEST_F(ServerRouting, MalformedRequestGets400) {
    start_server();
    RawClient raw(server_->port());
    raw.send("NOT HTTP AT ALL\r\n\r\n");
    const auto status = raw.read_until("\r\n");
    ASSERT_TRUE(status);
    EXPECT_EQ(status->rfind("HTTP/1.1 400", 0), 0U);
    EXPECT_TRUE(raw.wait_closed());
}

TEST_F(ServerRouting, EventStreamSendsFieldsKeepAlivesAndSeesLastEventId) {
    auto options = testing::quick_server_options();
    options.event_stream_keepalive = 100ms;
    server_ = std::make_unique<Server>(options);
    std::promise<std::string> last_id;
    std::atomic<int> closed{0};
    server_->on_event_stream([&](const EventStreamPtr& stream) {
        last_id.set_value(stream->last_event_id());
        stream->on_close([&] { ++closed; });
        stream->send("line one\nline two", "greeting", "42");
        stream->send("plain");
    });
    server_->start();
    {
        RawClient raw(server_->port());
        raw.send(
                "GET /events HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n"
                "Last-Event-ID: 41\r\n\r\n");
        const auto head = raw.read_until("\r\n\r\n");
        ASSERT_TRUE(head);
        EXPECT_EQ(head->rfind("HTTP/1.1 200 OK\r\n", 0), 0U);
        EXPECT_NE(head->find("Content-Type: text/event-stream"), std::string::npos);
        EXPECT_EQ(head->find("Content-Length"), std::string::npos);
        EXPECT_EQ(raw.read_until("\n\n"),
                  "event: greeting\nid: 42\ndata: line one\ndata: line two\n\n");
        EXPECT_EQ(raw.read_until("\n\n"), "data: plain\n\n");
        EXPECT_EQ(raw.read_until("\n", 2s), ":\n");  // the keep-alive comment
        EXPECT_EQ(last_id.get_future().get(), "41");
        EXPECT_EQ(server_->event_stream_count(), 1U);
    }
    EXPECT_TRUE(net::testing::eventually([&] { return closed == 1; }));
    EXPECT_TRUE(net::testing::eventually([&] { return server_->event_stream_count() == 0; }));
}

TEST_F(ServerRouting, EventStreamRequestsGoToHttpWithoutAStreamHandler) {
    server_ = std::make_unique<Server>(testing::quick_server_options());
    server_->on_http([](const http::Request&) { return http::text_response(418, "teapot"); });
    server_->start();
    RawClient raw(server_->port());
    raw.send("GET /events HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n");
    EXPECT_EQ(raw.read_until("\r\n")->rfind("HTTP/1.1 418", 0), 0U);
}

TEST_F(ServerRouting, AnEventStreamGateAnswersInsteadOfOpeningTheStream) {
    server_ = std::make_unique<Server>(testing::quick_server_options());
    std::atomic<int> opened{0};
    server_->on_event_stream(
            [&](const EventStreamPtr& stream) {
                ++opened;
                stream->send("welcome");
            },
            [](const http::Request& request) -> std::optional<http::Response> {
                if (request.path() == "/open") {
                    return std::nullopt;
                }
                return http::text_response(401, "log in first\n");
            });
    server_->start();
    RawClient refused(server_->port());
    refused.send("GET /closed HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n");
    EXPECT_EQ(refused.read_until("\r\n")->rfind("HTTP/1.1 401", 0), 0U);
    RawClient admitted(server_->port());
    admitted.send("GET /open HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n");
    ASSERT_TRUE(admitted.read_until("\r\n\r\n"));
    EXPECT_EQ(admitted.read_until("\n\n"), "data: welcome\n\n");
    EXPECT_EQ(opened, 1);
}

using ServerBroadcast = EchoFixture;

TEST_F(ServerBroadcast, OneFrameIsSharedByEveryConnection) {
    start_server();
    constexpr int kClients = 20;
    std::vector<Recorder*> recorders;
    std::vector<WebSocketPtr> sockets;
    for (int i = 0; i < kClients; ++i) {
        recorders.push_back(&new_recorder());
        sockets.push_back(connect(*recorders.back()));
        ASSERT_EQ(recorders.back()->next()->kind, "open");
    }
    ASSERT_TRUE(net::testing::eventually([&] { return server_->websocket_count() == kClients; }));
    const auto message = ws::Broadcast::text("to everyone");
    std::promise<long> references;
    server_->post_each_worker([&](Connections& connections) {
        std::size_t sent = 0;
        connections.for_each([&](WebSocket& s) { sent += s.send(*message) ? 1 : 0; });
        EXPECT_EQ(sent, connections.size());
        // Queued, not yet flushed: each connection holds a reference to the same bytes.
        references.set_value(message->frame().use_count());
    });
    EXPECT_EQ(references.get_future().get(), kClients + 1);
    for (auto* recorder : recorders) {
        const auto event = recorder->next();
        ASSERT_TRUE(event);
        EXPECT_EQ(event->data, "to everyone");
    }
    server_->post_broadcast(ws::Broadcast::binary("again"));
    for (auto* recorder : recorders) {
        const auto event = recorder->next();
        ASSERT_TRUE(event);
        EXPECT_EQ(event->kind, "binary");
        EXPECT_EQ(event->data, "again");
    }
}

TEST_F(ServerBroadcast, SlowConsumerIsDroppedWhileOthersKeepReceiving) {
    auto options = testing::quick_server_options();
    options.max_queued_bytes = 1024 * 1024;
    start_server(options);
    RawClient slow(server_->port(), 4096);  // never reads, tiny receive buffer
    ASSERT_TRUE(slow.handshake());
    ASSERT_EQ(server_events_.next()->kind, "open");
    Recorder& fast = new_recorder();
    auto socket = connect(fast);
    ASSERT_EQ(fast.next()->kind, "open");
    ASSERT_EQ(server_events_.next()->kind, "open");
    // Paced by the fast reader, so only the slow one's queue builds up (a burst bigger than the
    // cap would drop anyone).
    constexpr int kMessages = 150;
    const std::string chunk(100 * 1024, 'z');
    for (int i = 0; i < kMessages; ++i) {
        server_->post_broadcast(ws::Broadcast::binary(chunk));
        const auto event = fast.next(10s);
        ASSERT_TRUE(event) << "message " << i;
        ASSERT_EQ(event->kind, "binary") << event->data;
        ASSERT_EQ(event->data.size(), chunk.size());
    }
    const auto close = server_events_.next_of("close", 10s);
    ASSERT_TRUE(close);
    EXPECT_EQ(close->code, 1008);
    EXPECT_EQ(socket->ready_state(), ReadyState::Open);
    EXPECT_EQ(server_->websocket_count(), 1U);
}

TEST_F(ServerBroadcast, ClosedConnectionsGiveTheirDescriptorsBack) {
    start_server();
    const std::size_t before = open_descriptors();
    {
        std::vector<std::unique_ptr<RawClient>> raws;
        for (int i = 0; i < 30; ++i) {
            raws.push_back(std::make_unique<RawClient>(server_->port()));
            ASSERT_TRUE(raws.back()->handshake());
        }
        for (int i = 0; i < 10; ++i) {
            auto& raw = raws[static_cast<std::size_t>(i)];
            raw->send_frame(ws::Opcode::Close, ws::close_payload(1000, ""));
            raw->read_frame();
        }
        ASSERT_TRUE(net::testing::eventually([&] { return server_->websocket_count() == 20; }));
    }
    EXPECT_TRUE(net::testing::eventually([&] { return server_->websocket_count() == 0; }));
    EXPECT_TRUE(net::testing::eventually([&] { return open_descriptors() <= before; }))
            << open_descriptors() << " descriptors open, " << before << " before";
}

}  // namespace
}  // namespace herald::web
