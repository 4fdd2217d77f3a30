#include "herald/ws/decoder.h"

#include <algorithm>
#include <array>
#include <cstring>

namespace herald::ws {
namespace {

constexpr std::uint8_t kFinBit = 0x80;
constexpr std::uint8_t kRsv1Bit = 0x40;
constexpr std::uint8_t kRsv23Bits = 0x30;
constexpr std::uint8_t kOpcodeBits = 0x0F;
constexpr std::uint8_t kMaskBit = 0x80;
constexpr std::uint8_t kLengthBits = 0x7F;
constexpr std::uint8_t kLength16 = 126;
constexpr std::uint8_t kLength64 = 127;
// A message buffer up to this size is kept for the next message; a bigger one is released, so a
// connection that once received a big fragmented message does not hold its memory while idle.
constexpr std::size_t kKeepCapacity = 16 * 1024;

std::uint8_t byte_at(const char* bytes, std::size_t i) noexcept {
    return static_cast<std::uint8_t>(bytes[i]);
}

bool is_known(std::uint8_t opcode) noexcept {
    return opcode <= 0x2 || (opcode >= 0x8 && opcode <= 0xA);
}

bool is_data_start(Opcode opcode) noexcept {
    return opcode == Opcode::Text || opcode == Opcode::Binary;
}

// Compressed data a little larger than its inflated size is possible (stored blocks, poor
// encoders); far larger is not a message worth reading.
std::uint64_t compressed_limit(std::size_t max_message_bytes) noexcept {
    const std::uint64_t max = max_message_bytes;
    const std::uint64_t slack = max / 4 + 1024;
    return max > UINT64_MAX - slack ? UINT64_MAX : max + slack;
}

}  // namespace

struct FrameDecoder::State {
    // A header split across inputs, at most kMaxFrameHeader bytes.
    std::array<char, kMaxFrameHeader> head{};
    std::size_t head_size = 0;
    // The frame whose payload is arriving.
    bool in_frame = false;
    FrameHeader frame;
    std::uint64_t remaining = 0;
    std::size_t mask_offset = 0;
    // The data message being assembled from one or more frames.
    bool in_message = false;
    Opcode message_opcode = Opcode::Text;
    bool compressed = false;
    std::uint64_t compressed_bytes = 0;
    Utf8Validator utf8;
    std::string message;
    std::string control;                 // the payload of a split control frame
    std::unique_ptr<Inflater> inflater;  // created by the first compressed message
};

struct FrameDecoder::Cursor {
    std::span<char> input;
    std::size_t pos = 0;

    [[nodiscard]] char* data() const noexcept { return input.data() + pos; }

    [[nodiscard]] std::size_t left() const noexcept { return input.size() - pos; }
};

FrameDecoder::FrameDecoder(DecoderOptions options) : options_(std::move(options)) {}

FrameDecoder::~FrameDecoder() = default;

FrameDecoder::FrameDecoder(FrameDecoder&&) noexcept = default;

FrameDecoder& FrameDecoder::operator=(FrameDecoder&&) noexcept = default;

DecodeEvent FrameDecoder::decode(std::span<char> input) {
    if (state_ && !state_->in_message && state_->message.capacity() > kKeepCapacity) {
        std::string().swap(state_->message);  // the last message's view has expired
    }
    Cursor c{input, 0};
    std::optional<DecodeEvent> event;
    while (fail_code_ == 0 && !event) {
        event = state_ && state_->in_frame ? continue_frame(c) : start_frame(c);
    }
    if (fail_code_ != 0) {
        event = DecodeEvent{};
        event->kind = DecodeEvent::Kind::Fail;
        event->code = fail_code_;
        event->payload = fail_reason_;
    }
    // NeedMore has used all input; after Fail nothing more is worth reading.
    const bool all =
            event->kind == DecodeEvent::Kind::NeedMore || event->kind == DecodeEvent::Kind::Fail;
    event->used_bytes = all ? input.size() : c.pos;
    return *event;
}

bool FrameDecoder::mid_message() const noexcept {
    return state_ && (state_->head_size > 0 || state_->in_frame || state_->in_message);
}

std::optional<DecodeEvent> FrameDecoder::start_frame(Cursor& c) {
    FrameHeader header;
    if (auto event = read_header(c, header)) {
        return event;
    }
    if (auto event = check_size(header)) {
        return event;
    }
    // Zero-copy: a control frame or a whole unfragmented, uncompressed message is in the input.
    const bool standalone = is_control(header.opcode) ||
                            (header.fin && !header.rsv1 && is_data_start(header.opcode));
    if (standalone && header.payload_length <= c.left()) {
        return whole_frame(header, c);
    }
    begin_frame(header);
    return std::nullopt;
}

std::optional<DecodeEvent> FrameDecoder::continue_frame(Cursor& c) {
    State& s = *state_;
    const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(s.remaining, c.left()));
    char* chunk = c.data();
    c.pos += n;
    s.remaining -= n;
    if (s.frame.masked) {
        apply_mask(chunk, n, s.frame.mask, s.mask_offset);
    }
    s.mask_offset += n;
    const bool control = is_control(s.frame.opcode);
    if (control) {
        s.control.append(chunk, n);
    } else if (auto event = absorb({chunk, n})) {
        return event;
    }
    if (s.remaining > 0) {
        return DecodeEvent{};
    }
    s.in_frame = false;
    if (control) {
        return control_event(s.frame.opcode, s.control);
    }
    if (!s.frame.fin) {
        return std::nullopt;
    }
    return finish_message();
}

// Reads the next header from the input in place, or through the stash when it is split.
std::optional<DecodeEvent> FrameDecoder::read_header(Cursor& c, FrameHeader& header) {
    const bool stashed = state_ && state_->head_size > 0;
    if (!stashed && c.left() == 0) {
        return DecodeEvent{};
    }
    if (!stashed && c.left() >= 2) {
        const char* bytes = c.data();
        if (auto event = check_start(byte_at(bytes, 0), byte_at(bytes, 1))) {
            return event;
        }
        const std::size_t size = frame_header_size(byte_at(bytes, 1));
        if (c.left() >= size) {
            c.pos += size;
            return parse_header(bytes, header);
        }
    }
    return read_split_header(c, header);
}

std::optional<DecodeEvent> FrameDecoder::read_split_header(Cursor& c, FrameHeader& header) {
    State& s = state();
    const auto take = [&s, &c](std::size_t want) {
        const std::size_t n = std::min(want - std::min(want, s.head_size), c.left());
        if (n > 0) {
            std::memcpy(s.head.data() + s.head_size, c.data(), n);
        }
        s.head_size += n;
        c.pos += n;
    };
    take(2);
    if (s.head_size < 2) {
        return DecodeEvent{};
    }
    // The first two bytes say most of what can be wrong: fail before the rest arrives.
    if (auto event = check_start(byte_at(s.head.data(), 0), byte_at(s.head.data(), 1))) {
        return event;
    }
    const std::size_t size = frame_header_size(byte_at(s.head.data(), 1));
    take(size);
    if (s.head_size < size) {
        return DecodeEvent{};
    }
    s.head_size = 0;
    return parse_header(s.head.data(), header);
}

std::optional<DecodeEvent> FrameDecoder::check_start(std::uint8_t first, std::uint8_t second) {
    const std::uint8_t opcode = first & kOpcodeBits;
    if ((first & kRsv23Bits) != 0) {
        return fail(CloseCode::ProtocolError, "reserved bit set");
    }
    if (!is_known(opcode)) {
        return fail(CloseCode::ProtocolError, "unknown opcode");
    }
    const auto op = static_cast<Opcode>(opcode);
    // RFC 7692 §6: RSV1 marks a compressed message, on its first frame only.
    if ((first & kRsv1Bit) != 0 && (!options_.deflate || !is_data_start(op))) {
        return fail(CloseCode::ProtocolError, "RSV1 set without compression");
    }
    if (is_control(op) && ((first & kFinBit) == 0 || (second & kLengthBits) > kMaxControlPayload)) {
        return fail(CloseCode::ProtocolError, "fragmented or oversized control frame");
    }
    // RFC 6455 §5.1: clients mask every frame, servers none.
    if (((second & kMaskBit) != 0) != (options_.role == Role::Server)) {
        return fail(CloseCode::ProtocolError, options_.role == Role::Server
                                                      ? "unmasked frame from client"
                                                      : "masked frame from server");
    }
    const bool in_message = state_ && state_->in_message;
    if (op == Opcode::Continuation && !in_message) {
        return fail(CloseCode::ProtocolError, "continuation without a message");
    }
    if (is_data_start(op) && in_message) {
        return fail(CloseCode::ProtocolError, "new message inside a fragmented one");
    }
    return std::nullopt;
}

std::optional<DecodeEvent> FrameDecoder::parse_header(const char* bytes, FrameHeader& header) {
    header = parse_frame_header(bytes);
    const std::uint64_t length = header.payload_length;
    const std::uint8_t form = byte_at(bytes, 1) & kLengthBits;
    if (form == kLength64 && (length >> 63U) != 0) {
        return fail(CloseCode::ProtocolError, "64-bit length with the top bit set");
    }
    // RFC 6455 §5.2: "the minimal number of bytes MUST be used to encode the length".
    if ((form == kLength16 && length < kLength16) || (form == kLength64 && length <= 0xFFFF)) {
        return fail(CloseCode::ProtocolError, "length not in its shortest form");
    }
    return std::nullopt;
}

// The declared length is checked before any of the payload is buffered.
std::optional<DecodeEvent> FrameDecoder::check_size(const FrameHeader& header) {
    if (is_control(header.opcode)) {
        return std::nullopt;
    }
    const bool continuation = header.opcode == Opcode::Continuation;
    const bool compressed = continuation ? state_->compressed : header.rsv1;
    std::uint64_t limit = options_.max_message_bytes;
    std::uint64_t so_far = continuation ? state_->message.size() : 0;
    if (compressed) {
        limit = compressed_limit(options_.max_message_bytes);
        so_far = continuation ? state_->compressed_bytes : 0;
    }
    if (header.payload_length > limit - std::min(limit, so_far)) {
        return fail(CloseCode::MessageTooBig, "message too big");
    }
    return std::nullopt;
}

// Appends payload bytes to the message, inflating them when compressed, and validates them.
std::optional<DecodeEvent> FrameDecoder::absorb(std::string_view chunk) {
    State& s = *state_;
    const std::size_t old = s.message.size();
    if (!s.compressed) {
        s.message.append(chunk);
        return check_added(old, InflateResult::Ok);
    }
    return check_added(old, s.inflater->inflate(chunk, s.message, options_.max_message_bytes));
}

std::optional<DecodeEvent> FrameDecoder::check_added(std::size_t old, InflateResult result) {
    State& s = *state_;
    // Validate what is within the limit first, so the first error in the text is the one
    // reported however the input was split.
    const std::size_t end = std::min(s.message.size(), options_.max_message_bytes);
    const std::string_view added =
            std::string_view(s.message).substr(old, end - std::min(end, old));
    if (s.message_opcode == Opcode::Text && !s.utf8.feed(added)) {
        return fail(CloseCode::InvalidPayload, "invalid UTF-8 in text message");
    }
    if (result == InflateResult::TooBig) {
        return fail(CloseCode::MessageTooBig, "message too big after inflation");
    }
    if (result == InflateResult::Corrupt) {
        return fail(CloseCode::InvalidPayload, "invalid compressed data");
    }
    return std::nullopt;
}

DecodeEvent FrameDecoder::whole_frame(const FrameHeader& header, Cursor& c) {
    const auto size = static_cast<std::size_t>(header.payload_length);
    char* payload = c.data();
    c.pos += size;
    if (header.masked) {
        apply_mask(payload, size, header.mask, 0);
    }
    if (is_control(header.opcode)) {
        return control_event(header.opcode, {payload, size});
    }
    if (header.opcode == Opcode::Text && !is_valid_utf8({payload, size})) {
        return fail(CloseCode::InvalidPayload, "invalid UTF-8 in text message");
    }
    DecodeEvent event;
    event.kind = DecodeEvent::Kind::Message;
    event.opcode = header.opcode;
    event.payload = {payload, size};
    return event;
}

void FrameDecoder::begin_frame(const FrameHeader& header) {
    State& s = state();
    s.in_frame = true;
    s.frame = header;
    s.remaining = header.payload_length;
    s.mask_offset = 0;
    if (is_control(header.opcode)) {
        s.control.clear();
        return;
    }
    if (header.opcode != Opcode::Continuation) {
        begin_message(header);
    }
    if (s.compressed) {
        s.compressed_bytes += header.payload_length;
    }
}

void FrameDecoder::begin_message(const FrameHeader& header) {
    State& s = *state_;
    s.in_message = true;
    s.message_opcode = header.opcode;
    s.compressed = header.rsv1;
    s.compressed_bytes = 0;
    s.utf8.reset();
    s.message.clear();
    if (s.compressed && !s.inflater) {
        // RFC 7692 §7.1.1/§7.1.2: inflate with the window and context mode of the peer's side.
        const DeflateParams& p = *options_.deflate;
        const bool server = options_.role == Role::Server;
        s.inflater = std::make_unique<Inflater>(
                server ? p.client_max_window_bits : p.server_max_window_bits,
                server ? p.client_no_context_takeover : p.server_no_context_takeover);
    }
}

DecodeEvent FrameDecoder::finish_message() {
    State& s = *state_;
    if (s.compressed) {
        const std::size_t old = s.message.size();
        const InflateResult result = s.inflater->finish(s.message, options_.max_message_bytes);
        if (auto event = check_added(old, result)) {
            return *event;
        }
    }
    s.in_message = false;
    if (s.message_opcode == Opcode::Text && !s.utf8.complete()) {
        return fail(CloseCode::InvalidPayload, "text message ends inside a UTF-8 sequence");
    }
    DecodeEvent event;
    event.kind = DecodeEvent::Kind::Message;
    event.opcode = s.message_opcode;
    event.payload = s.message;
    return event;
}

DecodeEvent FrameDecoder::control_event(Opcode opcode, std::string_view payload) {
    DecodeEvent event;
    event.payload = payload;
    if (opcode == Opcode::Ping) {
        event.kind = DecodeEvent::Kind::Ping;
        return event;
    }
    if (opcode == Opcode::Pong) {
        event.kind = DecodeEvent::Kind::Pong;
        return event;
    }
    // RFC 6455 §5.5.1: empty, or a two-byte code followed by a UTF-8 reason.
    event.kind = DecodeEvent::Kind::Close;
    if (payload.empty()) {
        event.code = to_int(CloseCode::NoStatus);
        return event;
    }
    if (payload.size() == 1) {
        return fail(CloseCode::ProtocolError, "close payload of one byte");
    }
    event.code = static_cast<std::uint16_t>((byte_at(payload.data(), 0) << 8U) |
                                            byte_at(payload.data(), 1));
    if (!is_valid_wire_close_code(event.code)) {
        return fail(CloseCode::ProtocolError, "invalid close code");
    }
    event.payload = payload.substr(2);
    if (!is_valid_utf8(event.payload)) {
        return fail(CloseCode::InvalidPayload, "close reason is not UTF-8");
    }
    return event;
}

DecodeEvent FrameDecoder::fail(CloseCode code, std::string_view why) {
    fail_code_ = to_int(code);
    fail_reason_ = why;
    DecodeEvent event;
    event.kind = DecodeEvent::Kind::Fail;
    event.code = fail_code_;
    event.payload = why;
    return event;
}

FrameDecoder::State& FrameDecoder::state() {
    if (!state_) {
        state_ = std::make_unique<State>();
    }
    return *state_;
}

}  // namespace herald::ws
