// herald/web/response_stream_test.cpp
//
// Integration: a selected request becomes a ResponseStream: its head carries the handler's
// fields and the framing (chunked for HTTP/1.1, to the end of the connection for HTTP/1.0),
// writes arrive as they are made, close() ends the body, a reader that does not read is dropped
// at the queue cap, and the server's stop closes open streams. Other requests still go to HTTP.
#include "herald/web/response_stream.h"

#include <atomic>
#include <future>
#include <string>

#include <gtest/gtest.h>

#include "herald/net/testing.h"
#include "herald/web/echo_fixture.h"
#include "herald/web/server.h"

namespace herald::web {
namespace {

using namespace std::chrono_literals;
using testing::EchoFixture;
using testing::RawClient;

class ResponseStreams : public EchoFixture {
protected:
    // A server whose POSTs to /stream become response streams handed to `handler`.
    void start(ServerOptions options, std::function<void(const ResponseStreamPtr&)> handler) {
        server_ = std::make_unique<Server>(options);
        server_->on_response_stream(
                [handler = std::move(handler)](const ResponseStreamPtr& stream,
                                               const http::Request&) { handler(stream); },
                [](const http::Request& r) { return r.method == "POST" && r.path() == "/stream"; });
        server_->on_http([](const http::Request&) { return http::text_response(418, "teapot"); });
        server_->start();
    }
};

TEST_F(ResponseStreams, Http11IsChunkedAndEndsWithTheLastChunk) {
    std::promise<ResponseStreamPtr> opened;
    start(testing::quick_server_options(), [&](const ResponseStreamPtr& stream) {
        stream->set_header("Content-Type", "application/javascript");
        stream->post([](ResponseStream& s) { s.write("o\n"); });
        opened.set_value(stream);
    });
    RawClient raw(server_->port());
    raw.send("POST /stream HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n");
    const auto head = raw.read_until("\r\n\r\n");
    ASSERT_TRUE(head);
    EXPECT_EQ(head->rfind("HTTP/1.1 200 OK\r\n", 0), 0U);
    EXPECT_NE(head->find("Content-Type: application/javascript"), std::string::npos);
    EXPECT_NE(head->find("Transfer-Encoding: chunked"), std::string::npos);
    EXPECT_EQ(head->find("Content-Length"), std::string::npos);
    EXPECT_EQ(raw.read_until("o\n\r\n"), "2\r\no\n\r\n");
    auto stream = opened.get_future().get();
    EXPECT_EQ(server_->response_stream_count(), 1U);
    stream->post([](ResponseStream& s) {
        s.write("a[\"x\"]\n");
        s.close();
    });
    EXPECT_EQ(raw.read_until("0\r\n\r\n"), "7\r\na[\"x\"]\n\r\n0\r\n\r\n");
    EXPECT_TRUE(raw.wait_closed());
    EXPECT_TRUE(net::testing::eventually([&] { return server_->response_stream_count() == 0; }));
}

TEST_F(ResponseStreams, Http10IsDelimitedByTheEndOfTheConnection) {
    start(testing::quick_server_options(), [](const ResponseStreamPtr& stream) {
        stream->post([](ResponseStream& s) {
            s.write("h\n");
            s.close();
        });
    });
    RawClient raw(server_->port());
    raw.send("POST /stream HTTP/1.0\r\nHost: x\r\nContent-Length: 0\r\n\r\n");
    const auto head = raw.read_until("\r\n\r\n");
    ASSERT_TRUE(head);
    EXPECT_EQ(head->rfind("HTTP/1.0 200 OK\r\n", 0), 0U);
    EXPECT_EQ(head->find("Transfer-Encoding"), std::string::npos);
    EXPECT_EQ(raw.read_until("h\n"), "h\n");
    EXPECT_TRUE(raw.wait_closed());
}

TEST_F(ResponseStreams, OtherRequestsGoToHttp) {
    start(testing::quick_server_options(), [](const ResponseStreamPtr&) {});
    RawClient raw(server_->port());
    raw.send("GET /stream HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(raw.read_until("\r\n")->rfind("HTTP/1.1 418", 0), 0U);
}

TEST_F(ResponseStreams, AReaderThatDoesNotReadIsDroppedAtTheCap) {
    auto options = testing::quick_server_options();
    options.max_queued_bytes = 64 * 1024;
    std::promise<ResponseStreamPtr> opened;
    std::atomic<bool> closed{false};
    std::atomic<bool> overflowed{false};
    start(options, [&](const ResponseStreamPtr& stream) {
        stream->on_close([&, raw = stream.get()] {
            overflowed = raw->overflowed();
            closed = true;
        });
        opened.set_value(stream);
    });
    RawClient raw(server_->port(), 4096);
    raw.send("POST /stream HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n");
    auto stream = opened.get_future().get();
    const std::string block(16 * 1024, 'x');
    std::atomic<bool> refused{false};
    for (int i = 0; i < 2000 && !refused; ++i) {  // far more than the socket buffers hold
        stream->post([&](ResponseStream& s) {
            if (!s.write(block)) {
                refused = true;
            }
        });
        std::this_thread::sleep_for(1ms);
    }
    EXPECT_TRUE(net::testing::eventually([&] { return closed.load(); }));
    EXPECT_TRUE(overflowed);
    EXPECT_TRUE(refused);
}

TEST_F(ResponseStreams, StopClosesOpenStreams) {
    start(testing::quick_server_options(), [](const ResponseStreamPtr&) {});
    RawClient raw(server_->port());
    raw.send("POST /stream HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n");
    ASSERT_TRUE(raw.read_until("\r\n\r\n"));
    EXPECT_TRUE(net::testing::eventually([&] { return server_->response_stream_count() == 1; }));
    server_->stop();
    EXPECT_EQ(raw.read_until("0\r\n\r\n"), "0\r\n\r\n");
    EXPECT_TRUE(raw.wait_closed());
}

}  // namespace
}  // namespace herald::web
