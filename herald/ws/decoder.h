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
    std::size_t used_bytes = 0;    // input consumed by this call
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
    struct State;
    std::unique_ptr<State> state_;  // allocated on the first partial frame only: idle is cheap
    DecoderOptions options_;
};

}  // namespace herald::ws
