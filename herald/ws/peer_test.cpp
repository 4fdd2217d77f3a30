#include "herald/ws/peer.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "tests/support/ws_frames.h"
#include <gtest/gtest.h>

namespace herald::ws {
namespace {

using support::binary_message;
using support::client_frame;
using support::close_event;
using support::decode_with;
using support::fail_event;
using support::ping_event;
using support::pong_event;
using support::server_frame;
using support::text_message;
using support::to_ws_event;
using support::WsEvents;

PeerOptions options(Role role) {
    PeerOptions o;
    o.role = role;
    return o;
}

PeerOptions deflate_options(Role role, bool no_context) {
    PeerOptions o = options(role);
    DeflateParams p;
    p.server_no_context_takeover = no_context;
    p.client_no_context_takeover = no_context;
    o.deflate = p;
    o.deflate_min_bytes = 16;
    return o;
}

// Takes everything queued for writing, as the transport would.
std::string drain(Peer& peer) {
    std::string out;
    std::array<std::string_view, 8> views;
    while (!peer.outgoing().empty()) {
        const std::size_t n = peer.outgoing().gather(views);
        std::size_t taken = 0;
        for (std::size_t i = 0; i < n; ++i) {
            out.append(views[i]);
            taken += views[i].size();
        }
        peer.outgoing().consume(taken);
    }
    return out;
}

WsEvents receive_all(Peer& peer, std::string bytes) {
    WsEvents events;
    std::span<char> rest(bytes);
    while (!rest.empty()) {
        const DecodeEvent e = peer.receive(rest);
        rest = rest.subspan(e.used_bytes);
        if (e.kind != DecodeEvent::Kind::NeedMore) {
            events.push_back(to_ws_event(e));
        }
    }
    return events;
}

// What the other end sees: bytes decoded in the opposite role.
WsEvents decode_as_receiver(Role sender, const std::string& bytes,
                            const std::optional<DeflateParams>& deflate = std::nullopt) {
    DecoderOptions o;
    o.role = sender == Role::Server ? Role::Client : Role::Server;
    o.deflate = deflate;
    return decode_with(o, {bytes});
}

TEST(Peer, AnswersPingWithPong) {
    Peer peer(options(Role::Server));
    EXPECT_EQ(receive_all(peer, client_frame(Opcode::Ping, "are you there")),
              WsEvents{ping_event("are you there")});
    EXPECT_EQ(drain(peer), server_frame(Opcode::Pong, "are you there"));
    EXPECT_EQ(peer.state(), PeerState::Open);
}

TEST(Peer, UnsentPongsAnswerOnlyTheMostRecentPing) {
    Peer peer(options(Role::Server));
    std::string flood;
    for (int i = 0; i < 10000; ++i) {
        flood += client_frame(Opcode::Ping, "");
    }
    receive_all(peer, flood);
    EXPECT_EQ(peer.outgoing().footprint_bytes(),
              2 + util::ByteQueue::kItemOverheadBytes);  // one empty pong
    receive_all(peer, client_frame(Opcode::Ping, "a") + client_frame(Opcode::Ping, "latest"));
    EXPECT_EQ(drain(peer), server_frame(Opcode::Pong, "latest"));

    // A pong already being written stays; the next ping gets a pong of its own.
    receive_all(peer, client_frame(Opcode::Ping, "one"));
    peer.outgoing().consume(1);
    receive_all(peer, client_frame(Opcode::Ping, "two"));
    peer.send_text("after");
    receive_all(peer, client_frame(Opcode::Ping, "three"));
    EXPECT_EQ(drain(peer),
              server_frame(Opcode::Pong, "one").substr(1) + server_frame(Opcode::Pong, "two") +
                      server_frame(Opcode::Text, "after") + server_frame(Opcode::Pong, "three"));
}

TEST(Peer, EchoesTheCodeOfAReceivedClose) {
    Peer peer(options(Role::Server));
    EXPECT_EQ(receive_all(peer, client_frame(Opcode::Close, close_payload(4001, "bye"))),
              WsEvents{close_event(4001, "bye")});
    EXPECT_EQ(drain(peer), server_frame(Opcode::Close, close_payload(4001, "")));
    EXPECT_EQ(peer.state(), PeerState::Closed);
    EXPECT_EQ(peer.close_code(), 4001);
    EXPECT_EQ(peer.close_reason(), "bye");
}

TEST(Peer, AnswersAnEmptyCloseWithAnEmptyClose) {
    Peer peer(options(Role::Server));
    EXPECT_EQ(receive_all(peer, client_frame(Opcode::Close, "")), WsEvents{close_event(1005)});
    EXPECT_EQ(drain(peer), server_frame(Opcode::Close, ""));
    EXPECT_EQ(peer.state(), PeerState::Closed);
    EXPECT_EQ(peer.close_code(), 1005);
}

TEST(Peer, FinishesTheHandshakeItStarted) {
    Peer peer(options(Role::Server));
    peer.close(1001, "restarting");
    EXPECT_EQ(peer.state(), PeerState::Closing);
    EXPECT_EQ(drain(peer), server_frame(Opcode::Close, close_payload(1001, "restarting")));
    // Data still arriving before the peer's close is delivered; nothing more is sent.
    peer.send_text("ignored while closing");
    EXPECT_EQ(receive_all(peer, client_frame(Opcode::Text, "late") +
                                        client_frame(Opcode::Close, close_payload(1001, ""))),
              (WsEvents{text_message("late"), close_event(1001)}));
    EXPECT_EQ(peer.state(), PeerState::Closed);
    EXPECT_EQ(drain(peer), "");
}

TEST(Peer, FailingSendsTheCloseCodeAndCloses) {
    Peer peer(options(Role::Server));
    EXPECT_EQ(receive_all(peer, server_frame(Opcode::Text, "unmasked")),
              WsEvents{fail_event(CloseCode::ProtocolError)});
    EXPECT_EQ(peer.state(), PeerState::Closed);
    EXPECT_EQ(peer.close_code(), 1002);
    EXPECT_FALSE(peer.close_reason().empty());
    EXPECT_EQ(decode_as_receiver(Role::Server, drain(peer)),
              WsEvents{close_event(1002, peer.close_reason())});
}

TEST(Peer, IgnoresEverythingAfterClosed) {
    Peer peer(options(Role::Server));
    ASSERT_EQ(receive_all(peer, client_frame(Opcode::Close, "")).size(), 1U);
    drain(peer);
    std::string more = client_frame(Opcode::Ping, "x");
    const DecodeEvent e = peer.receive(more);
    EXPECT_EQ(e.kind, DecodeEvent::Kind::NeedMore);
    EXPECT_EQ(e.used_bytes, more.size());
    peer.send_text("no");
    peer.ping();
    peer.close();
    peer.send(*Broadcast::text("no"));
    EXPECT_EQ(drain(peer), "");
}

TEST(Peer, ReplacesAnInvalidCloseCodeAndCutsTheReason) {
    Peer peer(options(Role::Server));
    const std::string reason(300, 'r');
    peer.close(1005, reason);
    const std::string frame = drain(peer);
    EXPECT_EQ(frame, server_frame(Opcode::Close, close_payload(1000, reason)));
    EXPECT_EQ(peer.close_code(), 1000);
    EXPECT_EQ(peer.close_reason(), reason.substr(0, 123));
}

// Sends one text message and returns its mask key after checking the frame.
std::string sent_mask_key(Peer& peer) {
    peer.send_text("same text");
    const std::string frame = drain(peer);
    EXPECT_EQ(frame.size(), 2U + 4U + 9U);
    EXPECT_EQ(static_cast<std::uint8_t>(frame[1]), 0x80 | 9);
    EXPECT_EQ(decode_as_receiver(Role::Client, frame), WsEvents{text_message("same text")});
    return frame.substr(2, 4);
}

TEST(Peer, ClientMasksEveryFrameWithFreshKeys) {
    Peer peer(options(Role::Client));
    std::set<std::string> keys;
    for (int i = 0; i < 20; ++i) {
        keys.insert(sent_mask_key(peer));
    }
    EXPECT_GT(keys.size(), 15U);
    peer.ping("p");
    peer.close(1000, "done");
    EXPECT_EQ(decode_as_receiver(Role::Client, drain(peer)),
              (WsEvents{ping_event("p"), close_event(1000, "done")}));
}

TEST(Peer, ServerSendsUnmaskedFrames) {
    Peer peer(options(Role::Server));
    peer.send_binary("\x01\x02");
    peer.send(Opcode::Text, "t");
    peer.pong("q");
    EXPECT_EQ(drain(peer), server_frame(Opcode::Binary, "\x01\x02") +
                                   server_frame(Opcode::Text, "t") +
                                   server_frame(Opcode::Pong, "q"));
}

TEST(Peer, CutsControlPayloadsToFit) {
    Peer peer(options(Role::Server));
    peer.ping(std::string(200, 'p'));
    EXPECT_EQ(drain(peer), server_frame(Opcode::Ping, std::string(125, 'p')));
}

const std::string kLong(400, 'L');

TEST(Peer, CompressesWithContextTakeoverWhenNegotiated) {
    for (Role role : {Role::Server, Role::Client}) {
        const PeerOptions o = deflate_options(role, false);
        Peer peer(o);
        peer.send_text(kLong);
        const std::string first = drain(peer);
        peer.send_text(kLong);
        const std::string second = drain(peer);
        EXPECT_LT(second.size(), first.size());
        EXPECT_EQ(static_cast<std::uint8_t>(first[0]), 0xC1);  // FIN, RSV1, text
        EXPECT_EQ(decode_as_receiver(role, first + second, o.deflate),
                  (WsEvents{text_message(kLong), text_message(kLong)}));
    }
}

TEST(Peer, CompressesEachMessageAloneWithoutContextTakeover) {
    const PeerOptions o = deflate_options(Role::Server, true);
    Peer peer(o);
    peer.send_binary(kLong);
    const std::string first = drain(peer);
    peer.send_binary(kLong);
    EXPECT_EQ(drain(peer), first);
    EXPECT_LT(first.size(), kLong.size());
    EXPECT_EQ(decode_as_receiver(Role::Server, first + first, o.deflate),
              (WsEvents{binary_message(kLong), binary_message(kLong)}));
}

TEST(Peer, SendsShortMessagesUncompressed) {
    Peer peer(deflate_options(Role::Server, true));
    peer.send_text("tiny");
    EXPECT_EQ(drain(peer), server_frame(Opcode::Text, "tiny"));
}

// The first queued element, without copying: what the transport would write.
const char* front_bytes(Peer& peer) {
    std::array<std::string_view, 1> view;
    return peer.outgoing().gather(view) == 1 ? view[0].data() : nullptr;
}

TEST(Peer, SharesThePlainBroadcastFrame) {
    const auto b = Broadcast::text(kLong);
    Peer peer(options(Role::Server));
    peer.send(*b);
    EXPECT_EQ(front_bytes(peer), b->frame()->data());
    EXPECT_EQ(peer.outgoing().size_bytes(), b->frame()->size());
    Peer small(deflate_options(Role::Server, true));
    const auto tiny = Broadcast::text("tiny");
    small.send(*tiny);
    EXPECT_EQ(front_bytes(small), tiny->frame()->data());
}

TEST(Peer, SharesTheCompressedBroadcastFrameWithoutContextTakeover) {
    const auto b = Broadcast::text(kLong);
    PeerOptions o = deflate_options(Role::Server, true);
    o.deflate->server_max_window_bits = 12;
    Peer one(o);
    Peer two(o);
    one.send(*b);
    two.send(*b);
    EXPECT_EQ(front_bytes(one), b->compressed_frame(12)->data());
    EXPECT_EQ(front_bytes(two), b->compressed_frame(12)->data());
    EXPECT_EQ(decode_as_receiver(Role::Server, drain(one), o.deflate),
              WsEvents{text_message(kLong)});
}

TEST(Peer, CompressesBroadcastsItselfWithContextTakeover) {
    const auto b = Broadcast::text(kLong);
    const PeerOptions o = deflate_options(Role::Server, false);
    Peer peer(o);
    peer.send(*b);
    peer.send(*b);
    const std::string bytes = drain(peer);
    // The second message refers back into the first: this stream is the peer's own.
    EXPECT_LT(bytes.size(), 2 * b->compressed_frame(15)->size());
    EXPECT_EQ(decode_as_receiver(Role::Server, bytes, o.deflate),
              (WsEvents{text_message(kLong), text_message(kLong)}));
}

TEST(Peer, ClientMasksBroadcastsToo) {
    Peer peer(options(Role::Client));
    peer.send(*Broadcast::binary("shared"));
    const std::string bytes = drain(peer);
    EXPECT_EQ(static_cast<std::uint8_t>(bytes[1]) & 0x80, 0x80);
    EXPECT_EQ(decode_as_receiver(Role::Client, bytes), WsEvents{binary_message("shared")});
}

// Moves all queued bytes from one peer into the other.
WsEvents pump(Peer& from, Peer& to) {
    return receive_all(to, drain(from));
}

void talk_and_close(const PeerOptions& server_options) {
    PeerOptions client_options = server_options;
    client_options.role = Role::Client;
    Peer server(server_options);
    Peer client(client_options);
    client.send_text(kLong);
    client.ping("c");
    EXPECT_EQ(pump(client, server), (WsEvents{text_message(kLong), ping_event("c")}));
    server.send(*Broadcast::text(kLong + "!"));
    server.send_binary("b");
    EXPECT_EQ(pump(server, client),
              (WsEvents{pong_event("c"), text_message(kLong + "!"), binary_message("b")}));
    client.close(1000, "bye");
    EXPECT_EQ(pump(client, server), WsEvents{close_event(1000, "bye")});
    EXPECT_EQ(server.state(), PeerState::Closed);
    EXPECT_EQ(pump(server, client), WsEvents{close_event(1000)});
    EXPECT_EQ(client.state(), PeerState::Closed);
}

TEST(Peer, ClientAndServerTalkAndCloseCleanly) {
    talk_and_close(options(Role::Server));
    for (bool no_context : {false, true}) {
        SCOPED_TRACE(no_context);
        talk_and_close(deflate_options(Role::Server, no_context));
    }
}

}  // namespace
}  // namespace herald::ws
