// FrameDecoder payload rules: UTF-8 of text, size limits, close payloads, compressed messages,
// and the allocation behaviour of the decode path.
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <new>
#include <string>
#include <vector>

#include "tests/support/counting_new.h"
#include "tests/support/splits.h"
#include "tests/support/ws_frames.h"
#include <gtest/gtest.h>

#include "herald/ws/decoder.h"
#include "herald/ws/deflate.h"

namespace herald::ws {
namespace {

using support::binary_message;
using support::client_frame;
using support::close_event;
using support::decode_with;
using support::fail_event;
using support::server_frame;
using support::text_message;
using support::WsEvents;

DecoderOptions server_options(std::size_t max = 1 << 20) {
    DecoderOptions o;
    o.max_message_bytes = max;
    return o;
}

DecoderOptions deflate_options(bool client_no_context, std::size_t max = 1 << 20) {
    DecoderOptions o = server_options(max);
    DeflateParams p;
    p.client_no_context_takeover = client_no_context;
    o.deflate = p;
    return o;
}

void expect_events(const DecoderOptions& options, const std::string& wire,
                   const WsEvents& expected) {
    ASSERT_EQ(decode_with(options, {wire}), expected);
    if (wire.size() <= 4096) {
        support::for_each_split(wire, [&](const std::vector<std::string>& chunks) {
            ASSERT_EQ(decode_with(options, chunks), expected) << chunks.front().size();
        });
    }
    ASSERT_EQ(decode_with(options, support::chunks_of(wire, 1)), expected);
    ASSERT_EQ(decode_with(options, support::chunks_of(wire, 5)), expected);
}

// Feeds `wire` up to (not including) `stop` and expects Fail there already.
void expect_fail_before(const DecoderOptions& options, const std::string& wire, std::size_t stop,
                        CloseCode code) {
    ASSERT_LT(stop, wire.size());
    EXPECT_EQ(decode_with(options, {wire.substr(0, stop)}), WsEvents{fail_event(code)});
    EXPECT_EQ(decode_with(options, support::chunks_of(wire.substr(0, stop), 1)),
              WsEvents{fail_event(code)});
}

TEST(FrameDecoderText, RejectsInvalidUtf8InText) {
    expect_events(server_options(), client_frame(Opcode::Text, "ok \xC0\xAF"),
                  {fail_event(CloseCode::InvalidPayload)});
    expect_events(server_options(), client_frame(Opcode::Binary, "ok \xC0\xAF"),
                  {binary_message("ok \xC0\xAF")});
}

TEST(FrameDecoderText, ValidatesCodePointsSplitAcrossFragments) {
    const std::string euro = "\xE2\x82\xAC";
    const std::string wire = client_frame(Opcode::Text, "a\xE2", false) +
                             client_frame(Opcode::Continuation, "\x82", false) +
                             client_frame(Opcode::Ping, "") +
                             client_frame(Opcode::Continuation,
                                          "\xAC"
                                          "b");
    expect_events(server_options(), wire,
                  {support::ping_event(""), text_message("a" + euro + "b")});
}

TEST(FrameDecoderText, RejectsTextEndingInsideACodePoint) {
    expect_events(server_options(), client_frame(Opcode::Text, "abc\xE2\x82"),
                  {fail_event(CloseCode::InvalidPayload)});
    const std::string wire =
            client_frame(Opcode::Text, "abc\xE2", false) + client_frame(Opcode::Continuation, "");
    expect_events(server_options(), wire, {fail_event(CloseCode::InvalidPayload)});
}

TEST(FrameDecoderText, FailsAtTheFirstInvalidFragmentBeforeTheMessageEnds) {
    const std::string first = client_frame(Opcode::Text, "fine", false);
    const std::string bad = client_frame(Opcode::Continuation, "\xED\xA0\x80 surrogate", false);
    const std::string wire = first + bad + client_frame(Opcode::Continuation, "end");
    expect_events(server_options(), wire, {fail_event(CloseCode::InvalidPayload)});
    expect_fail_before(server_options(), wire, first.size() + bad.size(),
                       CloseCode::InvalidPayload);
}

TEST(FrameDecoderText, FailsInsideAFrameAsSoonAsTheBadByteArrives) {
    const std::string wire = client_frame(Opcode::Text, "abc\xFF" + std::string(500, 'x'));
    // Header (2 + 2 + 4) and "abc\xFF": the rest of the frame is not needed to fail.
    expect_fail_before(server_options(), wire, 8 + 4, CloseCode::InvalidPayload);
}

TEST(FrameDecoderLimits, RejectsADeclaredLengthOverTheLimitBeforeItsPayload) {
    const std::string wire = client_frame(Opcode::Binary, std::string(101, 'b'));
    expect_events(server_options(100), wire, {fail_event(CloseCode::MessageTooBig)});
    expect_fail_before(server_options(100), wire, 8, CloseCode::MessageTooBig);
    expect_events(server_options(101), wire, {binary_message(std::string(101, 'b'))});
}

TEST(FrameDecoderLimits, CountsTheLimitAcrossFragments) {
    const std::string first = client_frame(Opcode::Text, std::string(60, 'a'), false);
    const std::string second = client_frame(Opcode::Continuation, std::string(41, 'b'));
    expect_events(server_options(100), first + second, {fail_event(CloseCode::MessageTooBig)});
    expect_fail_before(server_options(100), first + second, first.size() + 6,
                       CloseCode::MessageTooBig);
    expect_events(server_options(101), first + second,
                  {text_message(std::string(60, 'a') + std::string(41, 'b'))});
}

TEST(FrameDecoderLimits, RejectsAHugeDeclaredLengthWithoutBuffering) {
    const std::string wire =
            support::bytes({0x82, 0xFF, 0x00, 0x00, 0x10, 0, 0, 0, 0, 0, 1, 2, 3, 4});
    expect_events(server_options(), wire, {fail_event(CloseCode::MessageTooBig)});
}

TEST(FrameDecoderClose, ReportsCodeAndReason) {
    const std::string payload = close_payload(4001, "bye \xC3\xA9");
    expect_events(server_options(), client_frame(Opcode::Close, payload),
                  {close_event(4001, "bye \xC3\xA9")});
    expect_events(server_options(), client_frame(Opcode::Close, close_payload(1000, "")),
                  {close_event(1000)});
}

TEST(FrameDecoderClose, ReportsNoStatusForAnEmptyClose) {
    expect_events(server_options(), client_frame(Opcode::Close, ""), {close_event(1005)});
}

TEST(FrameDecoderClose, RejectsBadPayloads) {
    const DecoderOptions o = server_options();
    expect_events(o, client_frame(Opcode::Close, "\x03"), {fail_event(CloseCode::ProtocolError)});
    for (std::uint16_t code : {0, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000, 65535}) {
        SCOPED_TRACE(code);
        expect_events(o, client_frame(Opcode::Close, close_payload(code, "x")),
                      {fail_event(CloseCode::ProtocolError)});
    }
    expect_events(o, client_frame(Opcode::Close, close_payload(1000, "\xC0\xAF")),
                  {fail_event(CloseCode::InvalidPayload)});
}

std::string deflated(std::string_view message) {
    return deflate_message(message, 15, 6);
}

TEST(FrameDecoderDeflate, InflatesACompressedMessage) {
    const std::string text = "Hello, compressed world! Hello, compressed world!";
    expect_events(deflate_options(true), client_frame(Opcode::Text, deflated(text), true, true),
                  {text_message(text)});
    expect_events(
            deflate_options(true),
            client_frame(Opcode::Text, support::bytes({0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00}),
                         true, true),
            {text_message("Hello")});
}

TEST(FrameDecoderDeflate, InflatesAcrossFragmentsAndMixesWithPlainMessages) {
    const std::string text(3000, 'x');
    const std::string c = deflated(text);
    const std::string wire = client_frame(Opcode::Binary, c.substr(0, 3), false, true) +
                             client_frame(Opcode::Ping, "p") +
                             client_frame(Opcode::Continuation, c.substr(3)) +
                             client_frame(Opcode::Text, "plain");
    expect_events(deflate_options(true), wire,
                  {support::ping_event("p"), binary_message(text), text_message("plain")});
}

TEST(FrameDecoderDeflate, FollowsThePeersContextTakeover) {
    Deflater deflater(15, false, 6);
    const std::string one = client_frame(Opcode::Text, deflater.compress("Hello"), true, true);
    const std::string two = client_frame(Opcode::Text, deflater.compress("Hello"), true, true);
    expect_events(deflate_options(false), one + two,
                  {text_message("Hello"), text_message("Hello")});
    // Negotiated without client context takeover, the back reference cannot be resolved.
    expect_events(deflate_options(true), one + two,
                  {text_message("Hello"), fail_event(CloseCode::InvalidPayload)});
}

TEST(FrameDecoderDeflate, ClientRoleUsesTheServerParameters) {
    DecoderOptions o;
    o.role = Role::Client;
    DeflateParams p;
    p.server_no_context_takeover = false;
    p.client_no_context_takeover = true;
    o.deflate = p;
    Deflater deflater(15, false, 6);
    const std::string one = server_frame(Opcode::Text, deflater.compress("Hello"), true, true);
    const std::string two = server_frame(Opcode::Text, deflater.compress("Hello"), true, true);
    expect_events(o, one + two, {text_message("Hello"), text_message("Hello")});
}

TEST(FrameDecoderDeflate, StopsACompressedBombAtTheLimit) {
    const std::string bomb = deflate_message(std::string(10 * 1000 * 1000, '\0'), 15, 9);
    const std::string wire = client_frame(Opcode::Binary, bomb, true, true);
    expect_events(deflate_options(true, 1 << 20), wire, {fail_event(CloseCode::MessageTooBig)});
}

TEST(FrameDecoderDeflate, AcceptsAnInflatedSizeOfExactlyTheLimit) {
    const std::string text(5000, 'q');
    const std::string wire = client_frame(Opcode::Text, deflated(text), true, true);
    expect_events(deflate_options(true, 5000), wire, {text_message(text)});
    expect_events(deflate_options(true, 4999), wire, {fail_event(CloseCode::MessageTooBig)});
}

TEST(FrameDecoderDeflate, RejectsCorruptCompressedData) {
    const std::string wire = client_frame(Opcode::Text, support::bytes({0x06, 0x01}), true, true);
    expect_events(deflate_options(true), wire, {fail_event(CloseCode::InvalidPayload)});
}

TEST(FrameDecoderDeflate, ValidatesTheInflatedText) {
    expect_events(deflate_options(true),
                  client_frame(Opcode::Text, deflated("bad \xF5 text here"), true, true),
                  {fail_event(CloseCode::InvalidPayload)});
}

TEST(FrameDecoderDeflate, FailsOnInvalidInflatedTextBeforeTheMessageEnds) {
    // The first fragment carries a sync-flushed block, so it inflates completely on its own.
    Deflater deflater(15, false, 6);
    const std::string part1 =
            deflater.compress("bad \xC0\xAF") + support::bytes({0, 0, 0xff, 0xff});
    const std::string part2 = deflater.compress(" rest");
    const std::string first = client_frame(Opcode::Text, part1, false, true);
    const std::string wire = first + client_frame(Opcode::Continuation, part2);
    expect_events(deflate_options(false), wire, {fail_event(CloseCode::InvalidPayload)});
    expect_fail_before(deflate_options(false), wire, first.size(), CloseCode::InvalidPayload);
}

TEST(FrameDecoderDeflate, TreatsAnEmptyCompressedPayloadAsAnEmptyMessage) {
    const std::string wire = client_frame(Opcode::Text, "", true, true) +
                             client_frame(Opcode::Text, deflated("after"), true, true);
    expect_events(deflate_options(false), wire, {text_message(""), text_message("after")});
}

TEST(FrameDecoderAllocation, CounterSeesAllocations) {
    const std::size_t before = support::g_allocations.load();
    auto block = std::make_unique<std::string>(1000, 'x');
    EXPECT_GT(support::g_allocations.load() - before, 0U);
    EXPECT_EQ(block->size(), 1000U);
}

TEST(FrameDecoderAllocation, DecodesWholeFramesWithoutAllocating) {
    std::string wire;
    for (int i = 0; i < 200; ++i) {
        wire += client_frame(Opcode::Text, "message " + std::to_string(i));
        wire += client_frame(Opcode::Binary, std::string(300, 'b'));
        wire += client_frame(Opcode::Ping, "p");
    }
    FrameDecoder decoder(server_options());
    std::span<char> rest(wire);
    std::size_t events = 0;
    const std::size_t before = support::g_allocations.load();
    while (!rest.empty()) {
        const DecodeEvent e = decoder.decode(rest);
        ASSERT_NE(e.kind, DecodeEvent::Kind::Fail);
        rest = rest.subspan(e.used_bytes);
        ++events;
    }
    EXPECT_EQ(support::g_allocations.load() - before, 0U);
    EXPECT_EQ(events, 600U);
}

TEST(FrameDecoderAllocation, ReusesItsBuffersForSplitFrames) {
    FrameDecoder decoder(server_options());
    std::size_t after_warmup = 0;
    for (int i = 0; i < 50; ++i) {
        std::string wire = client_frame(Opcode::Text, std::string(1000, 't'), false) +
                           client_frame(Opcode::Continuation, std::string(1000, 'u'));
        std::span<char> all(wire);
        const std::size_t before = support::g_allocations.load();
        ASSERT_EQ(decoder.decode(all.first(7)).kind, DecodeEvent::Kind::NeedMore);
        ASSERT_EQ(decoder.decode(all.subspan(7)).kind, DecodeEvent::Kind::Message);
        if (i >= 2) {
            after_warmup += support::g_allocations.load() - before;
        }
    }
    EXPECT_EQ(after_warmup, 0U);
}

TEST(FrameDecoderAllocation, IdleDecoderAllocatesNothing) {
    const std::size_t before = support::g_allocations.load();
    FrameDecoder decoder(server_options());
    EXPECT_FALSE(decoder.mid_message());
    EXPECT_EQ(decoder.decode({}).kind, DecodeEvent::Kind::NeedMore);
    EXPECT_EQ(support::g_allocations.load() - before, 0U);
}

}  // namespace
}  // namespace herald::ws
