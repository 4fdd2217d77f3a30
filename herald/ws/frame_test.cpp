#include "herald/ws/frame.h"

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "herald/ws/utf8.h"

namespace herald::ws {
namespace {

std::string bytes(std::initializer_list<int> values) {
    std::string out;
    for (int v : values) {
        out.push_back(static_cast<char>(v));
    }
    return out;
}

const MaskKey kRfcKey{0x37, 0xfa, 0x21, 0x3d};

TEST(Frame, EncodesUnmaskedHelloAsInRfcExample) {
    // RFC 6455 §5.7: a single-frame unmasked text message.
    EXPECT_EQ(encode_frame(Opcode::Text, "Hello"),
              bytes({0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f}));
}

TEST(Frame, EncodesMaskedHelloAsInRfcExample) {
    EXPECT_EQ(encode_frame(Opcode::Text, "Hello", true, false, &kRfcKey),
              bytes({0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58}));
}

TEST(Frame, EncodesFragmentedHelloAsInRfcExample) {
    EXPECT_EQ(encode_frame(Opcode::Text, "Hel", false), bytes({0x01, 0x03, 0x48, 0x65, 0x6c}));
    EXPECT_EQ(encode_frame(Opcode::Continuation, "lo"), bytes({0x80, 0x02, 0x6c, 0x6f}));
}

TEST(Frame, EncodesPingAndMaskedPongAsInRfcExample) {
    EXPECT_EQ(encode_frame(Opcode::Ping, "Hello"),
              bytes({0x89, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f}));
    EXPECT_EQ(encode_frame(Opcode::Pong, "Hello", true, false, &kRfcKey),
              bytes({0x8a, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58}));
}

TEST(Frame, Encodes256ByteBinaryWithSixteenBitLength) {
    const std::string payload(256, '\x5a');
    const std::string frame = encode_frame(Opcode::Binary, payload);
    EXPECT_EQ(frame.substr(0, 4), bytes({0x82, 0x7E, 0x01, 0x00}));
    EXPECT_EQ(frame.size(), 4 + payload.size());
    EXPECT_EQ(frame.substr(4), payload);
}

TEST(Frame, Encodes64KiBBinaryWithSixtyFourBitLength) {
    const std::string payload(65536, '\x01');
    const std::string frame = encode_frame(Opcode::Binary, payload);
    EXPECT_EQ(frame.substr(0, 10), bytes({0x82, 0x7F, 0, 0, 0, 0, 0, 1, 0, 0}));
    EXPECT_EQ(frame.size(), 10 + payload.size());
    EXPECT_EQ(frame.substr(10), payload);
}

TEST(Frame, HeaderUsesTheShortestLengthForm) {
    struct Expect {
        std::uint64_t length;
        std::string header;
    };

    const std::vector<Expect> cases = {
            {0, bytes({0x82, 0x00})},
            {125, bytes({0x82, 0x7D})},
            {126, bytes({0x82, 0x7E, 0x00, 0x7E})},
            {0xFFFF, bytes({0x82, 0x7E, 0xFF, 0xFF})},
            {0x10000, bytes({0x82, 0x7F, 0, 0, 0, 0, 0, 1, 0, 0})},
            {0x0123456789ABCDEFULL,
             bytes({0x82, 0x7F, 0x01, 0x23, 0x45, 0x67, 0x89, 0xAB, 0xCD, 0xEF})},
    };
    for (const auto& c : cases) {
        FrameHeader h;
        h.opcode = Opcode::Binary;
        h.payload_length = c.length;
        std::string out;
        append_frame_header(h, out);
        EXPECT_EQ(out, c.header) << c.length;
    }
}

TEST(Frame, HeaderCarriesFinRsv1AndMask) {
    FrameHeader h;
    h.fin = false;
    h.rsv1 = true;
    h.opcode = Opcode::Text;
    h.payload_length = 300;
    h.masked = true;
    h.mask = {1, 2, 3, 4};
    std::string out = "prefix";
    append_frame_header(h, out);
    EXPECT_EQ(out, "prefix" + bytes({0x41, 0xFE, 0x01, 0x2C, 1, 2, 3, 4}));
    EXPECT_LE(out.size() - 6, kMaxFrameHeader);
}

TEST(Frame, ParsesWhatItEncodesForEveryLengthForm) {
    for (std::uint64_t length : {0ULL, 1ULL, 125ULL, 126ULL, 0xFFFFULL, 0x10000ULL, 1ULL << 62U}) {
        for (bool masked : {false, true}) {
            FrameHeader h;
            h.fin = length % 2 == 0;
            h.rsv1 = masked;
            h.opcode = masked ? Opcode::Binary : Opcode::Pong;
            h.payload_length = length;
            h.masked = masked;
            h.mask = masked ? MaskKey{9, 8, 7, 6} : MaskKey{};
            std::string out;
            append_frame_header(h, out);
            EXPECT_EQ(frame_header_size(static_cast<std::uint8_t>(out[1])), out.size());
            const FrameHeader back = parse_frame_header(out.data());
            EXPECT_EQ(back.fin, h.fin);
            EXPECT_EQ(back.rsv1, h.rsv1);
            EXPECT_EQ(back.opcode, h.opcode);
            EXPECT_EQ(back.payload_length, h.payload_length);
            EXPECT_EQ(back.masked, h.masked);
            EXPECT_EQ(back.mask, h.mask);
        }
    }
}

TEST(Frame, HeaderSizeFollowsLengthFormAndMaskBit) {
    EXPECT_EQ(frame_header_size(0x05), 2U);
    EXPECT_EQ(frame_header_size(0x85), 6U);
    EXPECT_EQ(frame_header_size(0x7E), 4U);
    EXPECT_EQ(frame_header_size(0xFE), 8U);
    EXPECT_EQ(frame_header_size(0x7F), 10U);
    EXPECT_EQ(frame_header_size(0xFF), kMaxFrameHeader);
}

TEST(Frame, ParsesANonMinimalLengthAsSent) {
    const std::string header = bytes({0x02, 0x7F, 0, 0, 0, 0, 0, 0, 0, 5});
    const FrameHeader h = parse_frame_header(header.data());
    EXPECT_FALSE(h.fin);
    EXPECT_EQ(h.opcode, Opcode::Binary);
    EXPECT_EQ(h.payload_length, 5U);
}

TEST(Frame, ClassifiesControlOpcodes) {
    EXPECT_TRUE(is_control(Opcode::Close));
    EXPECT_TRUE(is_control(Opcode::Ping));
    EXPECT_TRUE(is_control(Opcode::Pong));
    EXPECT_FALSE(is_control(Opcode::Text));
    EXPECT_FALSE(is_control(Opcode::Binary));
    EXPECT_FALSE(is_control(Opcode::Continuation));
}

void reference_mask(char* data, std::size_t size, const MaskKey& mask, std::size_t offset) {
    for (std::size_t i = 0; i < size; ++i) {
        data[i] = static_cast<char>(static_cast<std::uint8_t>(data[i]) ^ mask[(offset + i) % 4]);
    }
}

TEST(Frame, MaskMatchesBytewiseXorForEveryOffsetSizeAndAlignment) {
    const MaskKey key{0x12, 0x34, 0xAB, 0xCD};
    std::vector<char> buffer(256);
    for (std::size_t align = 0; align < 8; ++align) {
        for (std::size_t offset = 0; offset < 8; ++offset) {
            for (std::size_t size = 0; size < 100; ++size) {
                std::string expected(size, '\0');
                for (std::size_t i = 0; i < size; ++i) {
                    expected[i] = static_cast<char>(i * 7 + align);
                }
                std::memcpy(buffer.data() + align, expected.data(), size);
                reference_mask(expected.data(), size, key, offset);
                apply_mask(buffer.data() + align, size, key, offset);
                ASSERT_EQ(std::string(buffer.data() + align, size), expected)
                        << align << " " << offset << " " << size;
            }
        }
    }
}

TEST(Frame, MaskingInPiecesEqualsMaskingWhole) {
    std::string whole(1000, '\0');
    for (std::size_t i = 0; i < whole.size(); ++i) {
        whole[i] = static_cast<char>(i);
    }
    std::string masked = whole;
    apply_mask(masked.data(), masked.size(), kRfcKey, 0);
    for (std::size_t cut : {1U, 3U, 5U, 8U, 13U, 500U, 999U}) {
        std::string pieces = whole;
        apply_mask(pieces.data(), cut, kRfcKey, 0);
        apply_mask(pieces.data() + cut, pieces.size() - cut, kRfcKey, cut);
        EXPECT_EQ(pieces, masked) << cut;
        apply_mask(pieces.data(), pieces.size(), kRfcKey, 0);
        EXPECT_EQ(pieces, whole) << cut;
    }
}

TEST(Frame, EncodedMaskedPayloadUnmasksToOriginal) {
    const std::string payload(777, 'q');
    std::string frame = encode_frame(Opcode::Binary, payload, true, false, &kRfcKey);
    ASSERT_EQ(frame.size(), 4 + 4 + payload.size());
    EXPECT_NE(frame.substr(8), payload);
    apply_mask(frame.data() + 8, payload.size(), kRfcKey, 0);
    EXPECT_EQ(frame.substr(8), payload);
}

TEST(Frame, ClosePayloadPutsCodeInNetworkOrder) {
    EXPECT_EQ(close_payload(1000, ""), bytes({0x03, 0xE8}));
    EXPECT_EQ(close_payload(4001, "bye"), bytes({0x0F, 0xA1}) + "bye");
}

TEST(Frame, ClosePayloadKeepsAReasonThatFits) {
    const std::string reason(123, 'r');
    EXPECT_EQ(close_payload(1001, reason).size(), 125U);
    EXPECT_EQ(close_payload(1001, reason).substr(2), reason);
}

TEST(Frame, ClosePayloadCutsReasonOnCodePointBoundary) {
    // Every prefix length makes the 123-byte cut land at each position within a code point.
    for (const std::string unit : {"\xC3\xA9", "\xE2\x82\xAC", "\xF0\x9F\x98\x80"}) {
        for (std::size_t lead = 0; lead < unit.size(); ++lead) {
            std::string reason(lead, 'a');
            while (reason.size() < 200) {
                reason += unit;
            }
            const std::string payload = close_payload(1000, reason);
            EXPECT_LE(payload.size(), kMaxControlPayload);
            EXPECT_GT(payload.size(), kMaxControlPayload - unit.size());
            EXPECT_TRUE(is_valid_utf8(payload.substr(2))) << unit.size() << " " << lead;
            EXPECT_EQ(reason.substr(0, payload.size() - 2), payload.substr(2));
        }
    }
}

}  // namespace
}  // namespace herald::ws
