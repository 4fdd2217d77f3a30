#include "herald/ws/decoder.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "tests/support/splits.h"
#include "tests/support/ws_frames.h"
#include <gtest/gtest.h>

namespace herald::ws {
namespace {

using support::binary_message;
using support::bytes;
using support::client_frame;
using support::close_event;
using support::decode_with;
using support::fail_event;
using support::ping_event;
using support::pong_event;
using support::server_frame;
using support::text_message;
using support::WsEvents;

DecoderOptions server_options(std::size_t max = 1 << 20) {
    DecoderOptions o;
    o.role = Role::Server;
    o.max_message_bytes = max;
    return o;
}

DecoderOptions client_options(std::size_t max = 1 << 20) {
    DecoderOptions o = server_options(max);
    o.role = Role::Client;
    return o;
}

// Every split point for short inputs; for long ones the splits near the start and end and a
// sample in between. Always byte at a time as well.
std::vector<std::vector<std::string>> chunkings(const std::string& wire) {
    std::vector<std::vector<std::string>> out;
    if (wire.size() <= 2048) {
        support::for_each_split(wire,
                                [&out](const std::vector<std::string>& c) { out.push_back(c); });
    } else {
        out.push_back({wire});
        for (std::size_t i = 1; i < wire.size(); i = i < 32 ? i + 1 : i + wire.size() / 37) {
            out.push_back({wire.substr(0, i), wire.substr(i)});
        }
        out.push_back({wire.substr(0, wire.size() - 1), wire.substr(wire.size() - 1)});
        out.push_back(support::chunks_of(wire, 1000));
    }
    out.push_back(support::chunks_of(wire, 1));
    out.push_back(support::chunks_of(wire, 3));
    return out;
}

void expect_events(const DecoderOptions& options, const std::string& wire,
                   const WsEvents& expected) {
    for (const auto& chunks : chunkings(wire)) {
        ASSERT_EQ(decode_with(options, chunks), expected)
                << chunks.size() << " chunks, first " << chunks.front().size() << " bytes";
    }
}

TEST(FrameDecoder, DecodesRfcMaskedHelloAtEverySplit) {
    const std::string wire =
            bytes({0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58});
    expect_events(server_options(), wire, {text_message("Hello")});
}

TEST(FrameDecoder, DecodesRfcUnmaskedHelloAtEverySplit) {
    expect_events(client_options(), bytes({0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f}),
                  {text_message("Hello")});
}

TEST(FrameDecoder, DecodesRfcFragmentedHelloAtEverySplit) {
    const std::string wire =
            bytes({0x01, 0x03, 0x48, 0x65, 0x6c}) + bytes({0x80, 0x02, 0x6c, 0x6f});
    expect_events(client_options(), wire, {text_message("Hello")});
}

TEST(FrameDecoder, DecodesRfcPingAndPongAtEverySplit) {
    expect_events(client_options(), bytes({0x89, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f}),
                  {ping_event("Hello")});
    expect_events(server_options(),
                  bytes({0x8a, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58}),
                  {pong_event("Hello")});
}

TEST(FrameDecoder, DecodesSixteenAndSixtyFourBitLengths) {
    std::string payload(256, '\0');
    for (std::size_t i = 0; i < payload.size(); ++i) {
        payload[i] = static_cast<char>(i);
    }
    expect_events(client_options(), bytes({0x82, 0x7E, 0x01, 0x00}) + payload,
                  {binary_message(payload)});
    expect_events(server_options(), client_frame(Opcode::Binary, payload),
                  {binary_message(payload)});
    const std::string big(65536, 'z');
    expect_events(client_options(), bytes({0x82, 0x7F, 0, 0, 0, 0, 0, 1, 0, 0}) + big,
                  {binary_message(big)});
    expect_events(server_options(), client_frame(Opcode::Text, big), {text_message(big)});
}

TEST(FrameDecoder, DecodesSeveralFramesFromOneInput) {
    const std::string wire = client_frame(Opcode::Text, "one") + client_frame(Opcode::Ping, "") +
                             client_frame(Opcode::Binary, "") + client_frame(Opcode::Text, "two");
    expect_events(server_options(), wire,
                  {text_message("one"), ping_event(""), binary_message(""), text_message("two")});
}

TEST(FrameDecoder, ReportsUsedBytesPerEvent) {
    std::string wire = client_frame(Opcode::Text, "abc") + client_frame(Opcode::Text, "de");
    FrameDecoder decoder(server_options());
    const DecodeEvent first = decoder.decode(wire);
    EXPECT_EQ(first.kind, DecodeEvent::Kind::Message);
    EXPECT_EQ(first.used_bytes, 2U + 4U + 3U);
    const DecodeEvent second = decoder.decode(std::span(wire).subspan(first.used_bytes));
    EXPECT_EQ(second.payload, "de");
    EXPECT_EQ(second.used_bytes, 2U + 4U + 2U);
    EXPECT_EQ(decoder.decode({}).kind, DecodeEvent::Kind::NeedMore);
}

TEST(FrameDecoder, GivesAViewIntoTheInputForAWholeFrame) {
    std::string wire = client_frame(Opcode::Text, "in place please");
    FrameDecoder decoder(server_options());
    const DecodeEvent e = decoder.decode(wire);
    ASSERT_EQ(e.kind, DecodeEvent::Kind::Message);
    EXPECT_EQ(e.payload, "in place please");
    EXPECT_EQ(e.payload.data(), wire.data() + 6);
    EXPECT_EQ(wire.substr(6), "in place please");  // unmasked where it lay
}

TEST(FrameDecoder, AssemblesFragmentsInItsOwnBuffer) {
    std::string wire =
            client_frame(Opcode::Text, "frag", false) + client_frame(Opcode::Continuation, "ments");
    FrameDecoder decoder(server_options());
    const DecodeEvent e = decoder.decode(wire);
    ASSERT_EQ(e.kind, DecodeEvent::Kind::Message);
    EXPECT_EQ(e.payload, "fragments");
    const bool inside = e.payload.data() >= wire.data() && e.payload.data() < wire.data() + 30;
    EXPECT_FALSE(inside);
}

TEST(FrameDecoder, TracksWhetherAMessageIsUnderway) {
    FrameDecoder decoder(server_options());
    EXPECT_FALSE(decoder.mid_message());
    std::string head = client_frame(Opcode::Text, "abc", false);
    EXPECT_EQ(decoder.decode(std::span(head).first(3)).kind, DecodeEvent::Kind::NeedMore);
    EXPECT_TRUE(decoder.mid_message());
    EXPECT_EQ(decoder.decode(std::span(head).subspan(3)).kind, DecodeEvent::Kind::NeedMore);
    EXPECT_TRUE(decoder.mid_message());
    std::string tail = client_frame(Opcode::Continuation, "d");
    EXPECT_EQ(decoder.decode(tail).kind, DecodeEvent::Kind::Message);
    EXPECT_FALSE(decoder.mid_message());
}

TEST(FrameDecoder, AllowsControlFramesBetweenFragments) {
    const std::string wire =
            client_frame(Opcode::Text, "Hel", false) + client_frame(Opcode::Ping, "p1") +
            client_frame(Opcode::Continuation, "l", false) + client_frame(Opcode::Pong, "p2") +
            client_frame(Opcode::Close, "") + client_frame(Opcode::Continuation, "o");
    expect_events(server_options(), wire,
                  {ping_event("p1"), pong_event("p2"), close_event(1005), text_message("Hello")});
}

TEST(FrameDecoder, AcceptsEmptyFragmentsAndMaximalControlFrames) {
    const std::string control(125, 'c');
    const std::string wire = client_frame(Opcode::Binary, "", false) +
                             client_frame(Opcode::Continuation, "", false) +
                             client_frame(Opcode::Ping, control) +
                             client_frame(Opcode::Continuation, "");
    expect_events(server_options(), wire, {ping_event(control), binary_message("")});
}

struct Violation {
    const char* name;
    std::string wire;
    CloseCode code;
};

void expect_violations(const DecoderOptions& options, const std::vector<Violation>& cases) {
    for (const auto& v : cases) {
        SCOPED_TRACE(v.name);
        expect_events(options, v.wire, {fail_event(v.code)});
    }
}

TEST(FrameDecoder, RejectsLengthsNotInShortestForm) {
    const std::string after = client_frame(Opcode::Text, "never seen");
    expect_violations(
            client_options(),
            {{"16-bit form for 125", bytes({0x82, 0x7E, 0x00, 0x7D}) + std::string(125, 'x'),
              CloseCode::ProtocolError},
             {"16-bit form for 0", bytes({0x82, 0x7E, 0x00, 0x00}), CloseCode::ProtocolError},
             {"64-bit form for 65535",
              bytes({0x82, 0x7F, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF}) + std::string(200, 'x'),
              CloseCode::ProtocolError},
             {"64-bit form for 126", bytes({0x82, 0x7F, 0, 0, 0, 0, 0, 0, 0, 126}),
              CloseCode::ProtocolError},
             {"64-bit length with top bit", bytes({0x82, 0x7F, 0x80, 0, 0, 0, 0, 0, 0, 0}),
              CloseCode::ProtocolError},
             {"all ones length",
              bytes({0x82, 0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF}),
              CloseCode::ProtocolError}});
}

TEST(FrameDecoder, RequiresMaskedFramesFromClients) {
    expect_violations(
            server_options(),
            {{"unmasked text", server_frame(Opcode::Text, "hi"), CloseCode::ProtocolError},
             {"unmasked close", server_frame(Opcode::Close, ""), CloseCode::ProtocolError}});
}

TEST(FrameDecoder, RejectsMaskedFramesFromServers) {
    expect_violations(client_options(),
                      {{"masked text", client_frame(Opcode::Text, "hi"), CloseCode::ProtocolError},
                       {"masked ping", client_frame(Opcode::Ping, ""), CloseCode::ProtocolError}});
}

TEST(FrameDecoder, RejectsUnknownOpcodes) {
    for (int op : {3, 4, 5, 6, 7, 0xB, 0xC, 0xD, 0xE, 0xF}) {
        SCOPED_TRACE(op);
        expect_events(server_options(), bytes({0x80 | op, 0x80, 1, 2, 3, 4}),
                      {fail_event(CloseCode::ProtocolError)});
    }
}

TEST(FrameDecoder, RejectsReservedBitsWithoutCompression) {
    expect_violations(
            server_options(),
            {{"rsv1", client_frame(Opcode::Text, "x", true, true), CloseCode::ProtocolError},
             {"rsv2", bytes({0xA1, 0x80, 0, 0, 0, 0}), CloseCode::ProtocolError},
             {"rsv3", bytes({0x91, 0x80, 0, 0, 0, 0}), CloseCode::ProtocolError}});
}

TEST(FrameDecoder, AllowsRsv1OnlyOnTheFirstDataFrameUnderDeflate) {
    DecoderOptions options = server_options();
    options.deflate = DeflateParams{};
    const std::string first = client_frame(Opcode::Text, "x", false);
    expect_violations(options, {{"rsv2", bytes({0xA1, 0x80, 0, 0, 0, 0}), CloseCode::ProtocolError},
                                {"rsv3", bytes({0x91, 0x80, 0, 0, 0, 0}), CloseCode::ProtocolError},
                                {"rsv1 on ping", client_frame(Opcode::Ping, "", true, true),
                                 CloseCode::ProtocolError},
                                {"rsv1 on close", client_frame(Opcode::Close, "", true, true),
                                 CloseCode::ProtocolError}});
    expect_events(options, first + client_frame(Opcode::Continuation, "y", true, true),
                  {fail_event(CloseCode::ProtocolError)});
}

TEST(FrameDecoder, RejectsBadControlFrames) {
    expect_violations(
            server_options(),
            {{"fragmented ping", client_frame(Opcode::Ping, "x", false), CloseCode::ProtocolError},
             {"ping of 126 bytes", client_frame(Opcode::Ping, std::string(126, 'p')),
              CloseCode::ProtocolError},
             {"pong of 64-bit length", bytes({0x8A, 0xFF, 0, 0, 0, 0, 0, 1, 0, 0}),
              CloseCode::ProtocolError}});
}

TEST(FrameDecoder, RejectsBrokenFragmentSequences) {
    const std::string first = client_frame(Opcode::Text, "a", false);
    expect_violations(
            server_options(),
            {{"continuation first", client_frame(Opcode::Continuation, "a"),
              CloseCode::ProtocolError},
             {"text inside fragmented text", first + client_frame(Opcode::Text, "b"),
              CloseCode::ProtocolError},
             {"binary inside fragmented text", first + client_frame(Opcode::Binary, "b", false),
              CloseCode::ProtocolError}});
    expect_events(server_options(),
                  client_frame(Opcode::Text, "a") + client_frame(Opcode::Continuation, "b"),
                  {text_message("a"), fail_event(CloseCode::ProtocolError)});
}

TEST(FrameDecoder, FailsOnTheFirstBadHeaderBytesWithoutWaitingForMore) {
    FrameDecoder decoder(server_options());
    std::string two = bytes({0x83, 0xFE});  // unknown opcode; a 16-bit length would follow
    const DecodeEvent e = decoder.decode(std::span(two).first(2));
    EXPECT_EQ(e.kind, DecodeEvent::Kind::Fail);
    EXPECT_EQ(e.code, 1002);
    EXPECT_FALSE(e.payload.empty());
}

TEST(FrameDecoder, KeepsReturningTheSameFailure) {
    FrameDecoder decoder(server_options());
    std::string bad = server_frame(Opcode::Text, "x");
    std::string good = client_frame(Opcode::Text, "fine");
    const DecodeEvent first = decoder.decode(bad);
    ASSERT_EQ(first.kind, DecodeEvent::Kind::Fail);
    EXPECT_EQ(first.used_bytes, bad.size());
    for (int i = 0; i < 3; ++i) {
        const DecodeEvent again = decoder.decode(good);
        EXPECT_EQ(again.kind, DecodeEvent::Kind::Fail);
        EXPECT_EQ(again.code, first.code);
        EXPECT_EQ(again.payload, first.payload);
    }
}

}  // namespace
}  // namespace herald::ws
