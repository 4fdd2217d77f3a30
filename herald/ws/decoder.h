// herald/ws/decoder.h
//
// Incremental RFC 6455 frame decoder. It takes bytes in any chunks, keeps only a partial header
// (at most 14 bytes), unmasks payloads in place and streams them into the message being assembled,
// so a connection never holds more than its unfinished message. Every violation ends in Fail with
// the close code to send: 1002 protocol errors, 1007 invalid UTF-8 or deflate data, 1009 too big.
// Owner: one connection on one thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "herald/ws/close_code.h"
#include "herald/ws/deflate.h"
#include "herald/ws/frame.h"
#include "herald/ws/utf8.h"

namespace herald::ws {

struct DecoderOptions {
    Role role = Role::Server;
    std::size_t max_message_bytes = 16 * 1024 * 1024;  // after inflation
    // Set when permessage-deflate was negotiated: RSV1 is then allowed on a message's first frame.
    std::optional<DeflateParams> deflate;
};

struct DecodeEvent {
    enum class Kind : std::uint8_t {
        NeedMore,  // all input consumed; call again with more bytes
        Message,   // a whole text or binary message in `payload`
        Ping,
        Pong,
        Close,  // a valid close frame: `code` (NoStatus if empty) and `reason`
        Fail,   // protocol violation: close with `code`; `reason` says why
    };
    Kind kind = Kind::NeedMore;
    std::size_t used_bytes = 0;    // input consumed by this call (all of it on NeedMore and Fail)
    Opcode opcode = Opcode::Text;  // Message: Text or Binary
    // Message/Ping/Pong payload, Close/Fail reason. Points into the input (a whole unfragmented
    // frame, unmasked in place) or into the decoder; valid until the next decode() call.
    std::string_view payload;
    std::uint16_t code = 0;  // Close and Fail
};

class FrameDecoder {
public:
    explicit FrameDecoder(DecoderOptions options);
    ~FrameDecoder();
    FrameDecoder(FrameDecoder&&) noexcept;
    FrameDecoder& operator=(FrameDecoder&&) noexcept;

    // Decodes from the front of `input` up to and including the next event. May modify `input`
    // (unmasking). After Fail, every call returns the same Fail.
    [[nodiscard]] DecodeEvent decode(std::span<char> input);

    // True while a message is partly received (fragments or payload still to come).
    [[nodiscard]] bool mid_message() const noexcept;

private:
    struct State;   // partial header, frame in progress, message being assembled, inflater
    struct Cursor;  // the input of one decode() call and how much of it is used

    // Each step returns the event to hand back, or nullopt to go on decoding.
    std::optional<DecodeEvent> start_frame(Cursor& c);
    std::optional<DecodeEvent> continue_frame(Cursor& c);
    std::optional<DecodeEvent> read_header(Cursor& c, FrameHeader& header);
    std::optional<DecodeEvent> read_split_header(Cursor& c, FrameHeader& header);
    std::optional<DecodeEvent> check_start(std::uint8_t first, std::uint8_t second);
    std::optional<DecodeEvent> parse_header(const char* bytes, FrameHeader& header);
    std::optional<DecodeEvent> check_size(const FrameHeader& header);
    std::optional<DecodeEvent> absorb(std::string_view chunk);
    std::optional<DecodeEvent> check_added(std::size_t old_size, InflateResult result);
    DecodeEvent whole_frame(const FrameHeader& header, Cursor& c);
    void begin_frame(const FrameHeader& header);
    void begin_message(const FrameHeader& header);
    DecodeEvent finish_message();
    DecodeEvent control_event(Opcode opcode, std::string_view payload);
    DecodeEvent fail(CloseCode code, std::string_view why);
    State& state();

    DecoderOptions options_;
    std::unique_ptr<State> state_;  // allocated on the first partial frame only: idle is cheap
    std::uint16_t fail_code_ = 0;   // set once a violation was found
    std::string_view fail_reason_;  // a string literal
};

}  // namespace herald::ws
