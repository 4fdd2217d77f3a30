// herald/ws/peer.h
//
// One end of a WebSocket connection as a sans-I/O state machine: bytes in, events and bytes out.
// It decodes frames, answers pings, runs the close handshake (RFC 6455 §7), compresses and masks
// outgoing messages as negotiated, and keeps the outgoing bytes in a queue of shared frames for the
// transport to write. Server and client sessions, tests and fuzzers all drive this same class.
// Owner: one connection on one thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "herald/util/byte_queue.h"
#include "herald/util/random.h"
#include "herald/ws/broadcast.h"
#include "herald/ws/decoder.h"
#include "herald/ws/deflate.h"

namespace herald::ws {

struct PeerOptions {
    Role role = Role::Server;
    std::size_t max_message_bytes = 16 * 1024 * 1024;
    std::optional<DeflateParams> deflate;  // negotiated permessage-deflate, if any
    int deflate_level = 6;
    std::size_t deflate_min_bytes = 32;  // shorter messages go out uncompressed
};

enum class PeerState : std::uint8_t {
    Open,
    Closing,  // we sent a close frame and wait for the peer's
    Closed,   // close handshake finished or failed: flush the queue, then close the transport
};

class Peer {
public:
    explicit Peer(PeerOptions options);
    ~Peer();
    Peer(const Peer&) = delete;
    Peer& operator=(const Peer&) = delete;

    // Decodes from the front of `input` up to the next event (see FrameDecoder::decode). Pings are
    // answered with a pong and reported. A Close is answered (if we had not sent one) and moves
    // the state to Closed; a Fail queues a close frame with its code and moves to Closed. Input
    // received after Closed is ignored.
    [[nodiscard]] DecodeEvent receive(std::span<char> input);

    // Queue a message, compressed and/or masked as negotiated. Ignored unless Open.
    void send_text(std::string_view text);
    void send_binary(std::string_view bytes);
    void send(Opcode opcode, std::string_view payload);

    // Server role: queue a shared frame by reference (compressed once if negotiated without
    // server context takeover). Client role falls back to send(opcode, payload).
    void send(const Broadcast& message);

    // The bytes send(message) would queue when they are the broadcast's own (server role, no
    // deflate context of this peer's), for a sender that writes them to the socket itself and
    // queues only what the socket did not take; null when this peer needs its own copy or is not
    // Open. Counts as sending: a pong queued next is not merged into an earlier one.
    [[nodiscard]] const util::SharedBytes* frame_to_share(const Broadcast& message);

    void ping(std::string_view payload = {});
    void pong(std::string_view payload = {});

    // Starts the close handshake (RFC 6455 §7.1.2): queues a close frame, state becomes Closing.
    // An invalid code is replaced by 1000; the reason is cut to fit a control frame.
    void close(std::uint16_t code = 1000, std::string_view reason = {});

    [[nodiscard]] PeerState state() const noexcept { return state_; }

    // The code and reason of the close (received, or sent when we failed the connection).
    [[nodiscard]] std::uint16_t close_code() const noexcept { return close_code_; }

    [[nodiscard]] std::string_view close_reason() const noexcept { return close_reason_; }

    // Bytes waiting to be written.
    [[nodiscard]] util::ByteQueue& outgoing() noexcept { return out_; }

    [[nodiscard]] const std::optional<DeflateParams>& deflate() const noexcept {
        return options_.deflate;
    }

private:
    void queue_frame(Opcode opcode, std::string_view payload, bool rsv1);
    [[nodiscard]] util::SharedBytes frame_bytes(Opcode opcode, std::string_view payload, bool rsv1);
    void finish_close(std::uint16_t code, std::string_view reason);
    [[nodiscard]] bool should_compress(std::size_t size) const noexcept;

    // What a send reads comes first, in the object's first two cache lines: a broadcast walk
    // prefetches them (web::WebSocket::prefetch_send_path).
    PeerOptions options_;
    util::ByteQueue out_;
    std::unique_ptr<Deflater> deflater_;  // only with context takeover on our side
    PeerState state_ = PeerState::Open;
    bool pong_last_ = false;  // the last frame queued is a pong (it may still be replaced)
    std::unique_ptr<util::FastRandom> random_;  // client role: mask keys
    FrameDecoder decoder_;
    std::uint16_t close_code_ = 0;
    bool last_pong_empty_ = false;
    std::string close_reason_;
};

}  // namespace herald::ws
