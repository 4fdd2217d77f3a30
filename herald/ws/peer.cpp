#include "herald/ws/peer.h"

#include <cstring>

namespace herald::ws {
namespace {

// RFC 7692 §7.1.1/§7.1.2: each side compresses under its own parameters.
bool own_no_context_takeover(Role role, const DeflateParams& p) noexcept {
    return role == Role::Server ? p.server_no_context_takeover : p.client_no_context_takeover;
}

int own_window_bits(Role role, const DeflateParams& p) noexcept {
    return role == Role::Server ? p.server_max_window_bits : p.client_max_window_bits;
}

DecoderOptions decoder_options(const PeerOptions& options) {
    DecoderOptions d;
    d.role = options.role;
    d.max_message_bytes = options.max_message_bytes;
    d.deflate = options.deflate;
    return d;
}

std::string_view control_sized(std::string_view payload) noexcept {
    return payload.substr(0, kMaxControlPayload);
}

}  // namespace

Peer::Peer(PeerOptions options)
    : options_(std::move(options)), decoder_(decoder_options(options_)) {
    if (options_.deflate && !own_no_context_takeover(options_.role, *options_.deflate)) {
        deflater_ = std::make_unique<Deflater>(own_window_bits(options_.role, *options_.deflate),
                                               false, options_.deflate_level);
    }
    if (options_.role == Role::Client) {
        random_ = std::make_unique<util::FastRandom>();
    }
}

Peer::~Peer() = default;

DecodeEvent Peer::receive(std::span<char> input) {
    if (state_ == PeerState::Closed) {
        DecodeEvent ignored;
        ignored.used_bytes = input.size();
        return ignored;
    }
    DecodeEvent event = decoder_.decode(input);
    switch (event.kind) {
        case DecodeEvent::Kind::Ping:
            pong(event.payload);  // RFC 6455 §5.5.2
            break;
        case DecodeEvent::Kind::Close:
            // RFC 6455 §5.5.1: answer with a close frame, echoing the code, unless we sent ours.
            if (state_ == PeerState::Open) {
                const bool no_status = event.code == to_int(CloseCode::NoStatus);
                queue_frame(Opcode::Close,
                            no_status ? std::string() : close_payload(event.code, {}), false);
            }
            finish_close(event.code, event.payload);
            break;
        case DecodeEvent::Kind::Fail:
            // RFC 6455 §7.1.7: fail the connection with the close code the decoder chose.
            if (state_ == PeerState::Open) {
                queue_frame(Opcode::Close, close_payload(event.code, event.payload), false);
            }
            finish_close(event.code, event.payload);
            break;
        default:
            break;
    }
    return event;
}

void Peer::send_text(std::string_view text) {
    send(Opcode::Text, text);
}

void Peer::send_binary(std::string_view bytes) {
    send(Opcode::Binary, bytes);
}

void Peer::send(Opcode opcode, std::string_view payload) {
    if (opcode == Opcode::Ping) {
        ping(payload);
        return;
    }
    if (opcode == Opcode::Pong) {
        pong(payload);
        return;
    }
    if (opcode == Opcode::Close || opcode == Opcode::Continuation || state_ != PeerState::Open) {
        return;
    }
    if (!should_compress(payload.size())) {
        queue_frame(opcode, payload, false);
        return;
    }
    const std::string compressed =
            deflater_ ? deflater_->compress(payload)
                      : deflate_message(payload, own_window_bits(options_.role, *options_.deflate),
                                        options_.deflate_level);
    queue_frame(opcode, compressed, true);
}

void Peer::send(const Broadcast& message) {
    if (state_ != PeerState::Open) {
        return;
    }
    if (const auto* frame = frame_to_share(message)) {
        out_.push(*frame);
        return;
    }
    send(message.opcode(), message.payload());
}

const util::SharedBytes* Peer::frame_to_share(const Broadcast& message) {
    // A client masks every frame with its own key, and our own deflate context (context takeover)
    // makes every compressed message ours alone: neither can share the broadcast's bytes.
    const bool compress = should_compress(message.payload().size());
    if (state_ != PeerState::Open || options_.role == Role::Client || (compress && deflater_)) {
        return nullptr;
    }
    pong_last_ = false;
    return compress ? &message.compressed_frame(options_.deflate->server_max_window_bits)
                    : &message.frame();
}

void Peer::ping(std::string_view payload) {
    if (state_ == PeerState::Open) {
        queue_frame(Opcode::Ping, control_sized(payload), false);
    }
}

void Peer::pong(std::string_view payload) {
    if (state_ != PeerState::Open) {
        return;
    }
    const std::string_view sized = control_sized(payload);
    // RFC 6455 §5.5.3: answering the most recent ping is enough. A pong still waiting unsent is
    // replaced (or kept, for the same empty payload), so a flood of pings that the other side does
    // not read costs one queued frame, not one per ping.
    if (pong_last_ && out_.back_unsent()) {
        if (!sized.empty() || !last_pong_empty_) {
            out_.replace_back(frame_bytes(Opcode::Pong, sized, false));
        }
    } else {
        queue_frame(Opcode::Pong, sized, false);
        pong_last_ = true;
    }
    last_pong_empty_ = sized.empty();
}

void Peer::close(std::uint16_t code, std::string_view reason) {
    if (state_ != PeerState::Open) {
        return;
    }
    if (!is_valid_wire_close_code(code)) {
        code = to_int(CloseCode::Normal);
    }
    const std::string payload = close_payload(code, reason);
    queue_frame(Opcode::Close, payload, false);
    state_ = PeerState::Closing;
    close_code_ = code;
    close_reason_.assign(payload, 2);
}

void Peer::finish_close(std::uint16_t code, std::string_view reason) {
    state_ = PeerState::Closed;
    close_code_ = code;
    close_reason_.assign(reason);
}

void Peer::queue_frame(Opcode opcode, std::string_view payload, bool rsv1) {
    out_.push(frame_bytes(opcode, payload, rsv1));
    pong_last_ = false;
}

util::SharedBytes Peer::frame_bytes(Opcode opcode, std::string_view payload, bool rsv1) {
    FrameHeader header;
    header.opcode = opcode;
    header.rsv1 = rsv1;
    header.payload_length = payload.size();
    if (random_) {
        // RFC 6455 §5.3: a fresh, unpredictable key for every frame a client sends.
        header.masked = true;
        const std::uint64_t bits = random_->next();
        std::memcpy(header.mask.data(), &bits, header.mask.size());
    }
    std::string frame;
    frame.reserve(kMaxFrameHeader + payload.size());
    append_frame_header(header, frame);
    const std::size_t start = frame.size();
    frame.append(payload);
    if (header.masked) {
        apply_mask(frame.data() + start, payload.size(), header.mask, 0);
    }
    return util::make_shared_bytes(std::move(frame));
}

bool Peer::should_compress(std::size_t size) const noexcept {
    return options_.deflate.has_value() && size >= options_.deflate_min_bytes;
}

}  // namespace herald::ws
