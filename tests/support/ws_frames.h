// tests/support/ws_frames.h
//
// Builds WebSocket frames for tests and runs a FrameDecoder over chunked input, recording its
// events as plain values that gtest can compare and print.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "herald/ws/decoder.h"
#include "herald/ws/frame.h"

namespace herald::support {

inline constexpr ws::MaskKey kTestMask{0x37, 0xfa, 0x21, 0x3d};  // the RFC 6455 §5.7 key

inline std::string bytes(std::initializer_list<int> values) {
    std::string out;
    for (int v : values) {
        out.push_back(static_cast<char>(v));
    }
    return out;
}

// A frame as a client sends it (masked).
inline std::string client_frame(ws::Opcode opcode, std::string_view payload, bool fin = true,
                                bool rsv1 = false) {
    return ws::encode_frame(opcode, payload, fin, rsv1, &kTestMask);
}

// A frame as a server sends it (unmasked).
inline std::string server_frame(ws::Opcode opcode, std::string_view payload, bool fin = true,
                                bool rsv1 = false) {
    return ws::encode_frame(opcode, payload, fin, rsv1);
}

struct WsEvent {
    ws::DecodeEvent::Kind kind = ws::DecodeEvent::Kind::NeedMore;
    ws::Opcode opcode = ws::Opcode::Text;
    std::string payload;     // Message/Ping/Pong payload or Close reason; empty for Fail
    std::uint16_t code = 0;  // Close and Fail

    friend bool operator==(const WsEvent&, const WsEvent&) = default;
};

inline std::ostream& operator<<(std::ostream& os, const WsEvent& e) {
    static constexpr std::string_view kNames[] = {"NeedMore", "Message", "Ping",
                                                  "Pong",     "Close",   "Fail"};
    os << kNames[static_cast<std::size_t>(e.kind)] << "(op=" << static_cast<int>(e.opcode)
       << ", code=" << e.code << ", " << e.payload.size() << " bytes";
    if (e.payload.size() <= 40) {
        os << " \"" << e.payload << "\"";
    }
    return os << ")";
}

using WsEvents = std::vector<WsEvent>;

inline WsEvent text_message(std::string_view text) {
    return {ws::DecodeEvent::Kind::Message, ws::Opcode::Text, std::string(text), 0};
}

inline WsEvent binary_message(std::string_view data) {
    return {ws::DecodeEvent::Kind::Message, ws::Opcode::Binary, std::string(data), 0};
}

inline WsEvent ping_event(std::string_view payload) {
    return {ws::DecodeEvent::Kind::Ping, ws::Opcode::Text, std::string(payload), 0};
}

inline WsEvent pong_event(std::string_view payload) {
    return {ws::DecodeEvent::Kind::Pong, ws::Opcode::Text, std::string(payload), 0};
}

inline WsEvent close_event(std::uint16_t code, std::string_view reason = {}) {
    return {ws::DecodeEvent::Kind::Close, ws::Opcode::Text, std::string(reason), code};
}

inline WsEvent fail_event(ws::CloseCode code) {
    return {ws::DecodeEvent::Kind::Fail, ws::Opcode::Text, {}, ws::to_int(code)};
}

inline WsEvent to_ws_event(const ws::DecodeEvent& e) {
    WsEvent out{e.kind, ws::Opcode::Text, std::string(e.payload), e.code};
    if (e.kind == ws::DecodeEvent::Kind::Message) {
        out.opcode = e.opcode;
    }
    if (e.kind == ws::DecodeEvent::Kind::Fail) {
        out.payload.clear();
    }
    return out;
}

// Feeds the chunks in order, collecting events until the input ends or the decoder fails.
// Checks the decode() contract on the way: NeedMore only with all input used.
inline WsEvents decode_chunks(ws::FrameDecoder& decoder, std::vector<std::string> chunks) {
    WsEvents out;
    for (auto& chunk : chunks) {
        std::span<char> rest(chunk);
        while (true) {
            const ws::DecodeEvent e = decoder.decode(rest);
            if (e.used_bytes > rest.size()) {
                out.push_back(fail_event(ws::CloseCode::InternalError));  // never expected
                return out;
            }
            rest = rest.subspan(e.used_bytes);
            if (e.kind == ws::DecodeEvent::Kind::NeedMore) {
                if (!rest.empty()) {
                    out.push_back(fail_event(ws::CloseCode::InternalError));
                    return out;
                }
                break;
            }
            out.push_back(to_ws_event(e));
            if (e.kind == ws::DecodeEvent::Kind::Fail) {
                return out;
            }
        }
    }
    return out;
}

inline WsEvents decode_with(const ws::DecoderOptions& options, std::vector<std::string> chunks) {
    ws::FrameDecoder decoder(options);
    return decode_chunks(decoder, std::move(chunks));
}

}  // namespace herald::support
