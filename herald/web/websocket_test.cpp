// herald/web/websocket_test.cpp
//
// Integration: a ws::Server and a ws::Client over loopback exchanging messages, pings and close
// handshakes, with and without permessage-deflate.
#include "herald/web/websocket.h"

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "herald/web/echo_fixture.h"
#include "herald/ws/broadcast.h"

namespace herald::web {
namespace {

using namespace std::chrono_literals;
using testing::EchoFixture;
using testing::Recorder;

std::string all_byte_values() {
    std::string out;
    for (int i = 0; i < 256; ++i) {
        out += static_cast<char>(i);
    }
    return out;
}

std::string large_payload(std::size_t size) {
    std::string out(size, '\0');
    std::uint32_t x = 12345;
    for (auto& c : out) {
        x = x * 1103515245U + 12345U;
        c = static_cast<char>(x >> 24);
    }
    return out;
}

class WebSocketEcho : public EchoFixture, public ::testing::WithParamInterface<bool> {
protected:
    ClientOptions client_options() const {
        ClientOptions options;
        options.deflate.enabled = GetParam();
        return options;
    }

    ServerOptions server_options() const {
        auto options = testing::quick_server_options();
        options.deflate.enabled = GetParam();
        return options;
    }
};

TEST_P(WebSocketEcho, EchoesTextBinaryEmptyAndLargeMessages) {
    start_server(server_options());
    Recorder& events = new_recorder();
    auto socket = connect(events, client_options());
    ASSERT_EQ(events.next()->kind, "open");
    EXPECT_EQ(socket->deflate().has_value(), GetParam());
    const std::string large = large_payload(1024 * 1024);
    const std::string text_large(1024 * 1024, 'a');
    on_worker(socket, [&](WebSocket& s) {
        EXPECT_TRUE(s.send("hello"));
        EXPECT_TRUE(s.send_binary(all_byte_values()));
        EXPECT_TRUE(s.send(""));
        EXPECT_TRUE(s.send_binary(large));
        EXPECT_TRUE(s.send(text_large));
    });
    const std::vector<std::pair<std::string, std::string>> expected = {
            {"text", "hello"},
            {"binary", all_byte_values()},
            {"text", ""},
            {"binary", large},
            {"text", text_large}};
    for (const auto& [kind, data] : expected) {
        const auto event = events.next(10s);
        ASSERT_TRUE(event);
        EXPECT_EQ(event->kind, kind);
        EXPECT_EQ(event->data.size(), data.size());
        EXPECT_TRUE(event->data == data);
    }
}

TEST_P(WebSocketEcho, NegotiatesDeflateOnBothSidesOrNeither) {
    start_server(server_options());
    Recorder& events = new_recorder();
    auto socket = connect(events, client_options());
    ASSERT_EQ(events.next()->kind, "open");
    ASSERT_EQ(server_events_.next()->kind, "open");
    EXPECT_EQ(server_socket()->deflate().has_value(), GetParam());
    EXPECT_EQ(socket->deflate().has_value(), GetParam());
}

INSTANTIATE_TEST_SUITE_P(Deflate, WebSocketEcho, ::testing::Bool(),
                         [](const auto& test) { return test.param ? "Deflate" : "Plain"; });

using WebSocketSession = EchoFixture;

TEST_F(WebSocketSession, ClientPingGetsItsPongCallback) {
    start_server();
    Recorder& events = new_recorder();
    auto socket = connect(events);
    ASSERT_EQ(events.next()->kind, "open");
    std::promise<void> ponged;
    on_worker(socket, [&](WebSocket& s) {
        EXPECT_TRUE(s.ping("are you there", [&] { ponged.set_value(); }));
    });
    EXPECT_EQ(ponged.get_future().wait_for(5s), std::future_status::ready);
}

TEST_F(WebSocketSession, ServerPingGetsItsPongCallback) {
    start_server();
    Recorder& events = new_recorder();
    auto socket = connect(events);
    ASSERT_EQ(events.next()->kind, "open");
    ASSERT_EQ(server_events_.next()->kind, "open");
    std::promise<void> ponged;
    on_worker(server_socket(),
              [&](WebSocket& s) { EXPECT_TRUE(s.ping("", [&] { ponged.set_value(); })); });
    EXPECT_EQ(ponged.get_future().wait_for(5s), std::future_status::ready);
}

TEST_F(WebSocketSession, PingAfterCloseReturnsFalse) {
    start_server();
    Recorder& events = new_recorder();
    auto socket = connect(events);
    ASSERT_EQ(events.next()->kind, "open");
    on_worker(socket, [&](WebSocket& s) {
        s.close();
        EXPECT_FALSE(s.ping("x"));
        EXPECT_FALSE(s.send("x"));
        EXPECT_EQ(s.ready_state(), ReadyState::Closing);
    });
}

TEST_F(WebSocketSession, ClientCloseCodeAndReasonReachBothSides) {
    start_server();
    Recorder& events = new_recorder();
    auto socket = connect(events);
    ASSERT_EQ(events.next()->kind, "open");
    on_worker(socket, [](WebSocket& s) { s.close(4001, "client bye"); });
    const auto client_close = events.next_of("close");
    ASSERT_TRUE(client_close);
    EXPECT_EQ(client_close->code, 4001);  // the server's answer echoes the code
    EXPECT_EQ(client_close->data, "");    // ... but not the reason
    const auto server_close = server_events_.next_of("close");
    ASSERT_TRUE(server_close);
    EXPECT_EQ(server_close->code, 4001);
    EXPECT_EQ(server_close->data, "client bye");
    EXPECT_EQ(socket->ready_state(), ReadyState::Closed);
}

TEST_F(WebSocketSession, ServerCloseCodeAndReasonReachBothSides) {
    start_server();
    Recorder& events = new_recorder();
    auto socket = connect(events);
    ASSERT_EQ(events.next()->kind, "open");
    ASSERT_EQ(server_events_.next()->kind, "open");
    on_worker(server_socket(), [](WebSocket& s) { s.close(4002, "server bye"); });
    const auto client_close = events.next_of("close");
    ASSERT_TRUE(client_close);
    EXPECT_EQ(client_close->code, 4002);
    EXPECT_EQ(client_close->data, "server bye");
    const auto server_close = server_events_.next_of("close");
    ASSERT_TRUE(server_close);
    EXPECT_EQ(server_close->code, 4002);
    EXPECT_EQ(events.count("close"), 1U);
}

TEST_F(WebSocketSession, OversizeMessageClosesWith1009) {
    auto options = testing::quick_server_options();
    options.max_message_bytes = 1000;
    start_server(options);
    Recorder& events = new_recorder();
    auto socket = connect(events);
    ASSERT_EQ(events.next()->kind, "open");
    on_worker(socket, [](WebSocket& s) { s.send(std::string(2000, 'x')); });
    const auto close = events.next_of("close");
    ASSERT_TRUE(close);
    EXPECT_EQ(close->code, 1009);
    const auto server_close = server_events_.next_of("close");
    ASSERT_TRUE(server_close);
    EXPECT_EQ(server_close->code, 1009);
}

TEST_F(WebSocketSession, ServerSideSeesPathHeadersProtocolAndVersion) {
    auto options = testing::quick_server_options();
    options.subprotocols = {"chat.v2", "chat.v1"};
    start_server(options);
    Recorder& events = new_recorder();
    ClientOptions client_options;
    client_options.subprotocols = {"chat.v1", "chat.v2"};
    client_options.headers.push_back({"X-Test", "yes"});
    auto socket = connect(events, client_options);
    ASSERT_EQ(events.next()->kind, "open");
    ASSERT_EQ(server_events_.next()->kind, "open");
    auto server_side = server_socket();
    EXPECT_EQ(server_side->path(), "/echo");
    EXPECT_EQ(server_side->header("x-test"), "yes");
    EXPECT_EQ(server_side->protocol(), "chat.v2");  // the server's preference wins
    EXPECT_EQ(socket->protocol(), "chat.v2");
    EXPECT_EQ(WebSocket::version(), 13);
    on_worker(server_side,
              [](WebSocket& s) { EXPECT_EQ(s.remote_address().rfind("127.0.0.1:", 0), 0U); });
}

TEST_F(WebSocketSession, KeepsOnlyTheRequestFieldsItIsToldTo) {
    auto options = testing::quick_server_options();
    options.kept_request_fields = std::vector<std::string>{"x-kept"};
    start_server(options);
    Recorder& events = new_recorder();
    ClientOptions client_options;
    client_options.headers.push_back({"X-Kept", "yes"});
    client_options.headers.push_back({"X-Dropped", "no"});
    auto socket = connect(events, client_options);
    ASSERT_EQ(events.next()->kind, "open");
    ASSERT_EQ(server_events_.next()->kind, "open");
    auto server_side = server_socket();
    EXPECT_EQ(server_side->path(), "/echo");  // the target is always kept
    EXPECT_EQ(server_side->header("X-Kept"), "yes");
    EXPECT_FALSE(server_side->header("X-Dropped"));
    EXPECT_FALSE(server_side->header("Host"));
    EXPECT_EQ(server_side->headers().all().size(), 1U);
}

// One handler object for every connection: each call names its socket, the handler is held
// until on_close and released after it, and set_handler() replaces callbacks set before.
class CountingHandler final : public WebSocket::Handler {
public:
    void on_open(WebSocket& socket) override {
        ++opened;
        socket.send("hello from the handler");
    }

    void on_message(WebSocket& socket, const Message& message) override {
        last_message = std::string(message.data);
        socket.close(4001, "handler says bye");
    }

    void on_close(WebSocket& /*socket*/, std::uint16_t code, std::string_view /*reason*/) override {
        close_code = code;
        ++closed;
    }

    std::atomic<int> opened{0};
    std::atomic<int> closed{0};
    std::string last_message;  // written on the worker, read after close is seen
    std::uint16_t close_code = 0;
};

TEST(WebSocketHandler, ServesConnectionsAndIsReleasedAfterClose) {
    Server server(testing::quick_server_options());
    auto handler = std::make_shared<CountingHandler>();
    server.on_websocket([handler](const WebSocketPtr& socket) {
        socket->on_open([] { ADD_FAILURE() << "replaced by the handler"; });
        socket->set_handler(handler);
    });
    server.start();
    Client client;
    Recorder events;
    auto socket = client.connect("ws://127.0.0.1:" + std::to_string(server.port()) + "/x",
                                 [&events](WebSocket& s) { testing::record(s, events); });
    ASSERT_EQ(events.next()->kind, "open");
    const auto greeting = events.next_of("text");
    ASSERT_TRUE(greeting);
    EXPECT_EQ(greeting->data, "hello from the handler");
    socket->post([](WebSocket& s) { s.send("ping"); });
    const auto close = events.next_of("close");
    ASSERT_TRUE(close);
    EXPECT_EQ(close->code, 4001);
    EXPECT_EQ(close->data, "handler says bye");
    for (int i = 0; i < 100 && handler->closed.load() == 0; ++i) {
        std::this_thread::sleep_for(10ms);
    }
    server.stop(200ms);
    EXPECT_EQ(handler->opened.load(), 1);
    EXPECT_EQ(handler->closed.load(), 1);
    EXPECT_EQ(handler->last_message, "ping");
    EXPECT_EQ(handler->close_code, 4001);  // the code the client's close frame echoed
    EXPECT_EQ(handler.use_count(), 2);  // ours and the server's on_websocket: none left in a socket
}

// The server side of the fixture's first connection, once the client has seen it open.
class WebSocketSendNow : public WebSocketSession {
protected:
    WebSocketPtr open_pair(Recorder& events,
                           ServerOptions options = testing::quick_server_options()) {
        start_server(std::move(options));
        ClientOptions client;
        client.max_message_bytes = 64 * 1024 * 1024;
        client_socket_ = connect(events, client);
        EXPECT_EQ(events.next()->kind, "open");
        for (int i = 0; i < 200 && !server_socket(); ++i) {
            std::this_thread::sleep_for(5ms);
        }
        return server_socket();
    }

    // Runs fn(WebSocket&) on the socket's worker; returns the bytes it left queued.
    template <class Fn>
    static std::size_t queued_after(const WebSocketPtr& socket, Fn fn) {
        std::size_t queued = 0;
        on_worker(socket, [&](WebSocket& s) {
            fn(s);
            queued = s.buffered_amount();
        });
        return queued;
    }

    static void expect_next_text(Recorder& events, std::string_view text) {
        const auto got = events.next_of("text");
        ASSERT_TRUE(got);
        EXPECT_EQ(got->data, text);
    }

    WebSocketPtr client_socket_;
};

TEST_F(WebSocketSendNow, WritesAtOnceWhenNothingIsQueued) {
    Recorder& events = new_recorder();
    const auto server = open_pair(events);
    ASSERT_TRUE(server);
    const auto message = ws::Broadcast::text("now");
    // Nothing is left for the end of the turn.
    EXPECT_EQ(queued_after(server, [&](WebSocket& s) { EXPECT_TRUE(s.send_now(*message)); }), 0U);
    expect_next_text(events, "now");
}

TEST_F(WebSocketSendNow, GoesBehindWhatIsQueued) {
    Recorder& events = new_recorder();
    const auto server = open_pair(events);
    ASSERT_TRUE(server);
    const auto second = ws::Broadcast::text("second");
    const auto queued = queued_after(server, [&](WebSocket& s) {
        s.send("first");
        EXPECT_TRUE(s.send_now(*second));
    });
    EXPECT_EQ(queued, 2 + 5 + 2 + 6U);  // both frames wait for the flush, in order
    expect_next_text(events, "first");
    expect_next_text(events, "second");
}

TEST_F(WebSocketSendNow, QueuesWhatTheKernelDidNotTake) {
    Recorder& events = new_recorder();
    auto options = testing::quick_server_options();
    options.max_queued_bytes = 64 * 1024 * 1024;
    options.max_message_bytes = 64 * 1024 * 1024;
    const auto server = open_pair(events, options);
    ASSERT_TRUE(server);
    const std::string payload = large_payload(32 * 1024 * 1024);  // more than socket buffers hold
    const auto message = ws::Broadcast::binary(payload);
    const auto queued =
            queued_after(server, [&](WebSocket& s) { EXPECT_TRUE(s.send_now(*message)); });
    EXPECT_GT(queued, 0U);
    EXPECT_LT(queued, message->frame()->size());  // a part went at once
    const auto got = events.next_of("binary", 10s);
    ASSERT_TRUE(got);
    EXPECT_TRUE(got->data == payload);
}

TEST_F(WebSocketSendNow, AFrameOverTheQueueLimitOverflowsAsSendDoes) {
    Recorder& events = new_recorder();
    auto options = testing::quick_server_options();
    options.max_queued_bytes = 4096;
    const auto server = open_pair(events, options);
    ASSERT_TRUE(server);
    const auto message = ws::Broadcast::text(std::string(8192, 'x'));
    on_worker(server, [&](WebSocket& s) { EXPECT_TRUE(s.send_now(*message)); });
    const auto closed = server_events_.next_of("close");
    ASSERT_TRUE(closed);
    EXPECT_EQ(closed->code, options.overflow_close_code);
    EXPECT_TRUE(events.next_of("close"));
    EXPECT_EQ(events.count("text"), 0U);
}

TEST_F(WebSocketSession, BufferedAmountCountsQueuedBytesUntilFlushed) {
    start_server();
    Recorder& events = new_recorder();
    auto socket = connect(events);
    ASSERT_EQ(events.next()->kind, "open");
    std::size_t queued = 0;
    on_worker(socket, [&](WebSocket& s) {
        s.send(std::string(1000, 'x'));
        queued = s.buffered_amount();
    });
    EXPECT_GE(queued, 1000U);
    ASSERT_TRUE(events.next_of("text"));
    on_worker(socket, [](WebSocket& s) { EXPECT_EQ(s.buffered_amount(), 0U); });
}

}  // namespace
}  // namespace herald::web
