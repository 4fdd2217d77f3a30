#include "herald/ws/frame.h"

#include <cstring>

namespace herald::ws {
namespace {

constexpr std::uint8_t kFinBit = 0x80;
constexpr std::uint8_t kRsv1Bit = 0x40;
constexpr std::uint8_t kOpcodeBits = 0x0F;
constexpr std::uint8_t kMaskBit = 0x80;
constexpr std::uint8_t kLengthBits = 0x7F;
constexpr std::uint8_t kLength16 = 126;
constexpr std::uint8_t kLength64 = 127;

std::size_t header_size(const FrameHeader& header) noexcept {
    std::size_t size = 2;
    if (header.payload_length > 0xFFFF) {
        size += 8;
    } else if (header.payload_length >= kLength16) {
        size += 2;
    }
    return header.masked ? size + 4 : size;
}

void put_big_endian(std::uint64_t value, std::size_t bytes, std::string& out) {
    for (std::size_t i = bytes; i > 0; --i) {
        out.push_back(static_cast<char>((value >> (8 * (i - 1))) & 0xFFU));
    }
}

std::uint64_t get_big_endian(const char* bytes, std::size_t count) noexcept {
    std::uint64_t value = 0;
    for (std::size_t i = 0; i < count; ++i) {
        value = (value << 8U) | static_cast<std::uint8_t>(bytes[i]);
    }
    return value;
}

// The mask as a 64-bit word that XORs correctly at any payload position congruent to `phase`
// (mod 4); loading through memcpy keeps it independent of the host byte order.
std::uint64_t mask_word(const MaskKey& mask, std::size_t phase) noexcept {
    std::array<std::uint8_t, 8> pattern{};
    for (std::size_t i = 0; i < pattern.size(); ++i) {
        pattern[i] = mask[(phase + i) & 3U];
    }
    std::uint64_t word = 0;
    std::memcpy(&word, pattern.data(), sizeof word);
    return word;
}

}  // namespace

void append_frame_header(const FrameHeader& header, std::string& out) {
    auto first = static_cast<std::uint8_t>(static_cast<std::uint8_t>(header.opcode) & 0x0FU);
    if (header.fin) {
        first |= kFinBit;
    }
    if (header.rsv1) {
        first |= kRsv1Bit;
    }
    const std::uint8_t mask_bit = header.masked ? kMaskBit : 0;
    out.push_back(static_cast<char>(first));
    // RFC 6455 §5.2: the minimal number of bytes must be used to encode the length.
    const std::uint64_t length = header.payload_length;
    if (length < kLength16) {
        out.push_back(static_cast<char>(mask_bit | static_cast<std::uint8_t>(length)));
    } else if (length <= 0xFFFF) {
        out.push_back(static_cast<char>(mask_bit | kLength16));
        put_big_endian(length, 2, out);
    } else {
        out.push_back(static_cast<char>(mask_bit | kLength64));
        put_big_endian(length, 8, out);
    }
    if (header.masked) {
        out.append(reinterpret_cast<const char*>(header.mask.data()), header.mask.size());
    }
}

std::size_t frame_header_size(std::uint8_t second_byte) noexcept {
    const std::uint8_t length = second_byte & kLengthBits;
    std::size_t size = 2;
    if (length == kLength16) {
        size += 2;
    } else if (length == kLength64) {
        size += 8;
    }
    return (second_byte & kMaskBit) != 0 ? size + 4 : size;
}

FrameHeader parse_frame_header(const char* bytes) noexcept {
    const auto first = static_cast<std::uint8_t>(bytes[0]);
    const auto second = static_cast<std::uint8_t>(bytes[1]);
    FrameHeader header;
    header.fin = (first & kFinBit) != 0;
    header.rsv1 = (first & kRsv1Bit) != 0;
    header.opcode = static_cast<Opcode>(first & kOpcodeBits);
    header.masked = (second & kMaskBit) != 0;
    const std::uint8_t length = second & kLengthBits;
    const char* rest = bytes + 2;
    header.payload_length = length;
    if (length == kLength16 || length == kLength64) {
        const std::size_t count = length == kLength16 ? 2 : 8;
        header.payload_length = get_big_endian(rest, count);
        rest += count;
    }
    if (header.masked) {
        std::memcpy(header.mask.data(), rest, header.mask.size());
    }
    return header;
}

void apply_mask(char* data, std::size_t size, const MaskKey& mask, std::size_t offset) noexcept {
    std::size_t i = 0;
    // Bytes up to the first 8-byte aligned address, then whole words, then the tail.
    const auto misalignment = reinterpret_cast<std::uintptr_t>(data) & 7U;
    const std::size_t head = misalignment == 0 ? 0 : 8 - misalignment;
    for (; i < head && i < size; ++i) {
        data[i] = static_cast<char>(static_cast<std::uint8_t>(data[i]) ^ mask[(offset + i) & 3U]);
    }
    const std::uint64_t word = mask_word(mask, offset + i);
    for (; i + 32 <= size; i += 32) {
        std::uint64_t w[4];
        std::memcpy(w, data + i, sizeof w);
        w[0] ^= word;
        w[1] ^= word;
        w[2] ^= word;
        w[3] ^= word;
        std::memcpy(data + i, w, sizeof w);
    }
    for (; i + 8 <= size; i += 8) {
        std::uint64_t w = 0;
        std::memcpy(&w, data + i, sizeof w);
        w ^= word;
        std::memcpy(data + i, &w, sizeof w);
    }
    for (; i < size; ++i) {
        data[i] = static_cast<char>(static_cast<std::uint8_t>(data[i]) ^ mask[(offset + i) & 3U]);
    }
}

std::string encode_frame(Opcode opcode, std::string_view payload, bool fin, bool rsv1,
                         const MaskKey* mask) {
    FrameHeader header;
    header.fin = fin;
    header.rsv1 = rsv1;
    header.opcode = opcode;
    header.payload_length = payload.size();
    header.masked = mask != nullptr;
    if (mask != nullptr) {
        header.mask = *mask;
    }
    std::string out;
    out.reserve(header_size(header) + payload.size());
    append_frame_header(header, out);
    const std::size_t start = out.size();
    out.append(payload);
    if (mask != nullptr) {
        apply_mask(out.data() + start, payload.size(), *mask, 0);
    }
    return out;
}

std::string close_payload(std::uint16_t code, std::string_view reason) {
    constexpr std::size_t kMaxReason = kMaxControlPayload - 2;
    if (reason.size() > kMaxReason) {
        // Back up over continuation bytes (10xxxxxx) so the cut lands on a code point boundary.
        std::size_t cut = kMaxReason;
        while (cut > 0 && (static_cast<std::uint8_t>(reason[cut]) & 0xC0U) == 0x80U) {
            --cut;
        }
        reason = reason.substr(0, cut);
    }
    std::string out;
    out.reserve(2 + reason.size());
    out.push_back(static_cast<char>(code >> 8U));
    out.push_back(static_cast<char>(code & 0xFFU));
    out.append(reason);
    return out;
}

}  // namespace herald::ws
