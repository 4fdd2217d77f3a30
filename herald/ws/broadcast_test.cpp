#include "herald/ws/broadcast.h"

#include <cstddef>
#include <cstdint>
#include <latch>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/ws_frames.h"
#include <gtest/gtest.h>

#include "herald/ws/decoder.h"
#include "herald/ws/deflate.h"

namespace herald::ws {
namespace {

using support::decode_with;
using support::text_message;
using support::WsEvents;

DecoderOptions client_with_deflate(int window_bits) {
    DecoderOptions o;
    o.role = Role::Client;
    DeflateParams p;
    p.server_no_context_takeover = true;
    p.server_max_window_bits = window_bits;
    o.deflate = p;
    return o;
}

const std::string kPayload = [] {
    std::string s;
    for (int i = 0; i < 100; ++i) {
        s += R"({"event":"tick","channel":"prices","data":"{\"price\":)" + std::to_string(i) +
             "}\"}";
    }
    return s;
}();

TEST(Broadcast, BuildsThePlainFrameAtConstruction) {
    const auto b = Broadcast::text(kPayload);
    EXPECT_EQ(b->opcode(), Opcode::Text);
    EXPECT_EQ(b->payload(), kPayload);
    ASSERT_TRUE(b->frame());
    EXPECT_EQ(*b->frame(), encode_frame(Opcode::Text, kPayload));
    const auto bin = Broadcast::binary("\x01\x02");
    EXPECT_EQ(bin->opcode(), Opcode::Binary);
    EXPECT_EQ(*bin->frame(), encode_frame(Opcode::Binary, "\x01\x02"));
}

TEST(Broadcast, CompressedFrameInflatesToThePayloadForEveryWindow) {
    const auto b = Broadcast::text(kPayload);
    for (int bits = kMinWindowBits; bits <= kMaxWindowBits; ++bits) {
        const auto& frame = b->compressed_frame(bits);
        ASSERT_TRUE(frame);
        EXPECT_LT(frame->size(), b->frame()->size()) << bits;
        EXPECT_EQ(decode_with(client_with_deflate(bits), {*frame}),
                  WsEvents{text_message(kPayload)})
                << bits;
        EXPECT_EQ(static_cast<std::uint8_t>((*frame)[0]), 0xC1) << bits;  // FIN, RSV1, text
    }
}

TEST(Broadcast, CompressesOncePerWindow) {
    const auto b = Broadcast::text(kPayload);
    const auto& first = b->compressed_frame(15);
    const auto& again = b->compressed_frame(15);
    EXPECT_EQ(first.get(), again.get());
    EXPECT_NE(b->compressed_frame(10).get(), first.get());
    EXPECT_EQ(*first, encode_frame(Opcode::Text, deflate_message(kPayload, 15, 6), true, true));
}

TEST(Broadcast, ClampsWindowBitsToTheValidRange) {
    const auto b = Broadcast::text(kPayload);
    EXPECT_EQ(b->compressed_frame(8).get(), b->compressed_frame(kMinWindowBits).get());
    EXPECT_EQ(b->compressed_frame(16).get(), b->compressed_frame(kMaxWindowBits).get());
}

// What each of several threads, started together, gets from compressed_frame(15).
std::vector<const std::string*> ask_concurrently(const Broadcast& b) {
    constexpr std::size_t kThreads = 4;
    std::vector<const std::string*> seen(kThreads, nullptr);
    std::latch start(kThreads);
    std::vector<std::thread> threads;
    for (std::size_t t = 0; t < kThreads; ++t) {
        threads.emplace_back([&b, &seen, &start, t] {
            start.arrive_and_wait();  // all ask at once
            seen[t] = b.compressed_frame(15).get();
        });
    }
    for (auto& thread : threads) {
        thread.join();
    }
    return seen;
}

TEST(Broadcast, ConcurrentCallersShareOneCompressedFrame) {
    for (int round = 0; round < 20; ++round) {
        const auto b = Broadcast::text(kPayload);
        const auto seen = ask_concurrently(*b);
        ASSERT_NE(seen[0], nullptr);
        for (const std::string* frame : seen) {
            EXPECT_EQ(frame, seen[0]) << round;
        }
        EXPECT_EQ(seen[0], b->compressed_frame(15).get());
    }
}

}  // namespace
}  // namespace herald::ws
