// herald/ws/frame.h
//
// RFC 6455 §5 frame layout: opcodes, header encoding and masking. The decoder lives in decoder.h.
// Owner: none (values and pure functions).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace herald::ws {

enum class Opcode : std::uint8_t {
    Continuation = 0x0,
    Text = 0x1,
    Binary = 0x2,
    Close = 0x8,
    Ping = 0x9,
    Pong = 0xA,
};

enum class Role : std::uint8_t {
    Server,  // receives masked frames, sends unmasked ones
    Client,  // receives unmasked frames, sends masked ones
};

constexpr std::size_t kMaxControlPayload = 125;  // RFC 6455 §5.5
constexpr std::size_t kMaxFrameHeader = 14;      // 2 + 8 (length) + 4 (mask)

[[nodiscard]] constexpr bool is_control(Opcode op) noexcept {
    return (static_cast<std::uint8_t>(op) & 0x8U) != 0;
}

using MaskKey = std::array<std::uint8_t, 4>;

struct FrameHeader {
    bool fin = true;
    bool rsv1 = false;  // "compressed" under permessage-deflate (RFC 7692 §6)
    Opcode opcode = Opcode::Text;
    std::uint64_t payload_length = 0;
    bool masked = false;
    MaskKey mask{};
};

// Appends the header with the shortest length form (RFC 6455 §5.2), mask key included if masked.
void append_frame_header(const FrameHeader& header, std::string& out);

// The size of a header (2..14 bytes) as told by its second byte: length form and mask bit.
[[nodiscard]] std::size_t frame_header_size(std::uint8_t second_byte) noexcept;

// Reads a whole header of frame_header_size() bytes as sent. RSV2/RSV3 are not represented and
// nothing is validated: that is the decoder's job.
[[nodiscard]] FrameHeader parse_frame_header(const char* bytes) noexcept;

// XORs `data` with `mask`, starting at byte `offset` of the payload (so a payload may be unmasked
// in pieces). Masking and unmasking are the same operation.
void apply_mask(char* data, std::size_t size, const MaskKey& mask, std::size_t offset) noexcept;

// A complete frame: header, then the payload (masked with `mask` when given).
[[nodiscard]] std::string encode_frame(Opcode opcode, std::string_view payload, bool fin = true,
                                       bool rsv1 = false, const MaskKey* mask = nullptr);

// The payload of a close frame: the code in network order, then the UTF-8 reason (RFC 6455 §5.5.1).
// The reason is cut to fit 123 bytes on a code point boundary.
[[nodiscard]] std::string close_payload(std::uint16_t code, std::string_view reason);

}  // namespace herald::ws
