// herald/web/protocol_test.cpp
//
// Integration: the server against a raw TCP peer that is silent, slow or breaks the protocol.
#include <future>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "herald/web/echo_fixture.h"
#include "herald/ws/close_code.h"
#include "herald/ws/frame.h"

namespace herald::web {
namespace {

using namespace std::chrono_literals;
using testing::EchoFixture;
using testing::RawClient;

using ServerProtocol = EchoFixture;

TEST_F(ServerProtocol, HandshakeTimeoutClosesASilentSocket) {
    auto options = testing::quick_server_options();
    options.handshake_timeout = 150ms;
    start_server(options);
    RawClient raw(server_->port());
    const auto begin = std::chrono::steady_clock::now();
    EXPECT_TRUE(raw.wait_closed(3s));
    EXPECT_GE(std::chrono::steady_clock::now() - begin, 100ms);
}

TEST_F(ServerProtocol, HandshakeTimeoutAlsoCoversAnUnfinishedRequest) {
    auto options = testing::quick_server_options();
    options.handshake_timeout = 150ms;
    start_server(options);
    RawClient raw(server_->port());
    raw.send("GET / HTTP/1.1\r\nHost: x\r\n");
    EXPECT_TRUE(raw.wait_closed(3s));
}

TEST_F(ServerProtocol, FramesRightBehindTheRequestAreNotLost) {
    start_server();
    RawClient raw(server_->port());
    const ws::MaskKey mask{1, 2, 3, 4};
    raw.send(
            "GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n" +
            ws::encode_frame(ws::Opcode::Text, "early", true, false, &mask));
    const auto head = raw.read_until("\r\n\r\n");
    ASSERT_TRUE(head);
    EXPECT_EQ(head->rfind("HTTP/1.1 101", 0), 0U);
    const auto frame = raw.read_frame();
    ASSERT_TRUE(frame);
    EXPECT_EQ(frame->payload, "early");
}

TEST_F(ServerProtocol, AFloodOfFramesInOneReadDoesNotHoldBackAnotherConnection) {
    start_server();  // one worker: both connections share its loop
    RawClient flooding(server_->port());
    RawClient quiet(server_->port());
    ASSERT_TRUE(flooding.handshake());
    ASSERT_TRUE(quiet.handshake());
    ASSERT_TRUE(server_events_.next_of("open"));
    ASSERT_TRUE(server_events_.next_of("open"));
    constexpr int kFrames = 4000;
    const ws::MaskKey mask{9, 8, 7, 6};
    std::string burst;
    for (int i = 0; i < kFrames; ++i) {
        burst += ws::encode_frame(ws::Opcode::Text, "f" + std::to_string(i), true, false, &mask);
    }
    // The worker is held while both arrive, so that the probe is in the kernel when the burst
    // is read (on a busy machine this thread could otherwise send it only after the worker had
    // handled most of the burst, and the test would measure the scheduler instead).
    std::promise<void> release;
    std::promise<void> holding;
    server_socket()->post([&holding, released = release.get_future()](WebSocket&) {
        holding.set_value();
        released.wait();
    });
    holding.get_future().wait();
    flooding.send(burst);  // ~36 KB: one read of the worker's 64 KB buffer
    quiet.send_frame(ws::Opcode::Text, "probe");
    std::this_thread::sleep_for(20ms);  // both delivered over loopback
    release.set_value();
    // Each turn handles a bounded number of the flood's frames, so the probe, sent after the
    // whole burst, is handled long before the burst's end.
    int flood_frames_before_probe = 0;
    for (;;) {
        const auto event = server_events_.next_of("text");
        ASSERT_TRUE(event) << "after " << flood_frames_before_probe << " frames";
        if (event->data == "probe") {
            break;
        }
        ++flood_frames_before_probe;
    }
    EXPECT_LT(flood_frames_before_probe, kFrames / 2);
    // And nothing of the flood is lost: the rest is handled in order.
    for (int i = flood_frames_before_probe; i < kFrames; ++i) {
        const auto event = server_events_.next_of("text");
        ASSERT_TRUE(event) << "frame " << i;
        EXPECT_EQ(event->data, "f" + std::to_string(i));
    }
}

TEST_F(ServerProtocol, IdleTimeoutSendsGoingAwayThenCloses) {
    auto options = testing::quick_server_options();
    options.idle_timeout = 150ms;
    start_server(options);
    RawClient raw(server_->port());
    ASSERT_TRUE(raw.handshake());
    const auto frame = raw.read_frame(3s);
    ASSERT_TRUE(frame);
    EXPECT_EQ(frame->opcode, ws::Opcode::Close);
    EXPECT_EQ(frame->code, 1001);
    EXPECT_EQ(frame->payload, "idle timeout");
    EXPECT_TRUE(raw.wait_closed(3s));
    const auto close = server_events_.next_of("close");
    ASSERT_TRUE(close);
    EXPECT_EQ(close->code, 1001);
}

TEST_F(ServerProtocol, PeerThatDoesNotAnswerPingsIsClosed) {
    auto options = testing::quick_server_options();
    options.ping_interval = 100ms;
    options.pong_timeout = 100ms;
    start_server(options);
    RawClient raw(server_->port());
    ASSERT_TRUE(raw.handshake());
    const auto ping = raw.read_frame(3s);
    ASSERT_TRUE(ping);
    EXPECT_EQ(ping->opcode, ws::Opcode::Ping);
    const auto close = raw.read_frame(3s);
    ASSERT_TRUE(close);
    EXPECT_EQ(close->opcode, ws::Opcode::Close);
    EXPECT_EQ(close->payload, "ping timeout");
    EXPECT_TRUE(raw.wait_closed(3s));
}

TEST_F(ServerProtocol, PeerThatAnswersPingsStaysOpen) {
    auto options = testing::quick_server_options();
    options.ping_interval = 60ms;
    options.pong_timeout = 60ms;
    start_server(options);
    RawClient raw(server_->port());
    ASSERT_TRUE(raw.handshake());
    for (int i = 0; i < 4; ++i) {
        const auto ping = raw.read_frame(3s);
        ASSERT_TRUE(ping);
        ASSERT_EQ(ping->opcode, ws::Opcode::Ping);
        raw.send_frame(ws::Opcode::Pong, ping->payload);
    }
    raw.send_frame(ws::Opcode::Text, "still here");
    std::optional<testing::RawFrame> echo;
    do {
        echo = raw.read_frame(3s);
    } while (echo && echo->opcode == ws::Opcode::Ping);
    ASSERT_TRUE(echo);
    EXPECT_EQ(echo->payload, "still here");
}

struct BadFrameCase {
    const char* name;
    std::string bytes;
    std::uint16_t code;
};

std::string masked(ws::Opcode opcode, std::string_view payload, bool fin = true) {
    const ws::MaskKey mask{9, 8, 7, 6};
    return ws::encode_frame(opcode, payload, fin, false, &mask);
}

class ServerRejectsBadFrames : public EchoFixture,
                               public ::testing::WithParamInterface<BadFrameCase> {};

TEST_P(ServerRejectsBadFrames, WithTheRightCloseCode) {
    start_server();
    RawClient raw(server_->port());
    ASSERT_TRUE(raw.handshake());
    raw.send(GetParam().bytes);
    const auto frame = raw.read_frame(3s);
    ASSERT_TRUE(frame);
    EXPECT_EQ(frame->opcode, ws::Opcode::Close);
    EXPECT_EQ(frame->code, GetParam().code);
    EXPECT_TRUE(raw.wait_closed(3s));  // the server closes TCP without waiting
    const auto close = server_events_.next_of("close");
    ASSERT_TRUE(close);
    EXPECT_EQ(close->code, GetParam().code);
    EXPECT_EQ(server_events_.count("error"), 1U);
}

INSTANTIATE_TEST_SUITE_P(
        Cases, ServerRejectsBadFrames,
        ::testing::Values(
                BadFrameCase{"Unmasked", ws::encode_frame(ws::Opcode::Text, "hi"), 1002},
                BadFrameCase{"ReservedOpcode", masked(ws::Opcode{0x3}, "x"), 1002},
                BadFrameCase{"InvalidUtf8", masked(ws::Opcode::Text, "\xc3\x28"), 1007},
                BadFrameCase{"FragmentedPing", masked(ws::Opcode::Ping, "p", false), 1002},
                BadFrameCase{"ContinuationFirst", masked(ws::Opcode::Continuation, "x"), 1002}),
        [](const auto& test) { return std::string(test.param.name); });

TEST_F(ServerProtocol, DropWithoutCloseFrameIsReportedAs1006) {
    start_server();
    {
        RawClient raw(server_->port());
        ASSERT_TRUE(raw.handshake());
        ASSERT_EQ(server_events_.next()->kind, "open");
    }
    const auto close = server_events_.next_of("close");
    ASSERT_TRUE(close);
    EXPECT_EQ(close->code, 1006);
    std::this_thread::sleep_for(50ms);
    EXPECT_EQ(server_events_.count("close"), 1U);
}

TEST_F(ServerProtocol, CloseHandshakeInitiatedByThePeerIsAnsweredThenTcpCloses) {
    start_server();
    RawClient raw(server_->port());
    ASSERT_TRUE(raw.handshake());
    raw.send_frame(ws::Opcode::Close, ws::close_payload(4321, "done"));
    const auto reply = raw.read_frame(3s);
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->opcode, ws::Opcode::Close);
    EXPECT_EQ(reply->code, 4321);
    EXPECT_TRUE(raw.wait_closed(3s));
    const auto close = server_events_.next_of("close");
    ASSERT_TRUE(close);
    EXPECT_EQ(close->code, 4321);
    EXPECT_EQ(close->data, "done");
}

TEST_F(ServerProtocol, ServerCloseWaitsForTheReplyThenClosesTcp) {
    start_server();
    RawClient raw(server_->port());
    ASSERT_TRUE(raw.handshake());
    ASSERT_EQ(server_events_.next()->kind, "open");
    on_worker(server_socket(), [](WebSocket& s) { s.close(1000, "bye"); });
    const auto frame = raw.read_frame(3s);
    ASSERT_TRUE(frame);
    EXPECT_EQ(frame->code, 1000);
    // Not closed yet: the server waits for our close frame.
    EXPECT_FALSE(raw.read_some(100ms));
    raw.send_frame(ws::Opcode::Close, ws::close_payload(1000, ""));
    EXPECT_TRUE(raw.wait_closed(3s));
}

TEST_F(ServerProtocol, ServerCloseGivesUpAfterTheCloseTimeout) {
    auto options = testing::quick_server_options();
    options.close_timeout = 150ms;
    start_server(options);
    RawClient raw(server_->port());
    ASSERT_TRUE(raw.handshake());
    ASSERT_EQ(server_events_.next()->kind, "open");
    on_worker(server_socket(), [](WebSocket& s) { s.close(1000, "bye"); });
    EXPECT_TRUE(raw.wait_closed(3s));
    const auto close = server_events_.next_of("close");
    ASSERT_TRUE(close);
    EXPECT_EQ(close->code, 1006);
}

TEST_F(ServerProtocol, BadUpgradeRequestGetsAnHttpError) {
    start_server();
    RawClient raw(server_->port());
    raw.send(
            "GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            "Sec-WebSocket-Version: 12\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n");
    const auto head = raw.read_until("\r\n\r\n");
    ASSERT_TRUE(head);
    EXPECT_EQ(head->rfind("HTTP/1.1 426", 0), 0U);
    EXPECT_NE(head->find("Sec-WebSocket-Version: 13"), std::string::npos);
    EXPECT_TRUE(raw.wait_closed(3s));
}

}  // namespace
}  // namespace herald::web
