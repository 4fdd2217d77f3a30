#include "herald/ws/deflate.h"

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

#include "tests/support/splits.h"
#include <gtest/gtest.h>

namespace herald::ws {
namespace {

std::string bytes(std::initializer_list<int> values) {
    std::string out;
    for (int v : values) {
        out.push_back(static_cast<char>(v));
    }
    return out;
}

struct Inflated {
    InflateResult result = InflateResult::Ok;
    std::string text;
};

// Inflates one message given in pieces, then finishes it.
Inflated inflate_pieces(Inflater& inflater, const std::vector<std::string>& pieces,
                        std::size_t max = 1 << 20) {
    Inflated out;
    for (const auto& piece : pieces) {
        out.result = inflater.inflate(piece, out.text, max);
        if (out.result != InflateResult::Ok) {
            return out;
        }
    }
    out.result = inflater.finish(out.text, max);
    return out;
}

Inflated inflate_once(std::string_view payload, std::size_t max = 1 << 20) {
    Inflater inflater(15, true);
    return inflate_pieces(inflater, {std::string(payload)}, max);
}

std::string pseudo_random(std::size_t size, std::uint32_t seed) {
    std::string out(size, '\0');
    for (auto& c : out) {
        seed = seed * 1664525U + 1013904223U;
        c = static_cast<char>(seed >> 24U);
    }
    return out;
}

std::string repetitive(std::size_t size) {
    std::string out;
    while (out.size() < size) {
        out += "{\"event\":\"update\",\"channel\":\"prices\",\"data\":" +
               std::to_string(out.size() % 977) + "}";
    }
    out.resize(size);
    return out;
}

const std::string kHelloCompressed = bytes({0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00});

TEST(Deflater, CompressesHelloAsInRfcExample) {
    // RFC 7692 §7.2.3.1: the 00 00 ff ff tail is removed.
    Deflater deflater(15, true, 6);
    EXPECT_EQ(deflater.compress("Hello"), kHelloCompressed);
}

TEST(Deflater, SecondMessageWithContextTakeoverMatchesRfcExample) {
    // RFC 7692 §7.2.3.2: the second "Hello" refers back to the first.
    Deflater deflater(15, false, 6);
    EXPECT_EQ(deflater.compress("Hello"), kHelloCompressed);
    EXPECT_EQ(deflater.compress("Hello"), bytes({0xf2, 0x00, 0x11, 0x00, 0x00}));
}

TEST(Deflater, WithoutContextTakeoverEveryMessageStandsAlone) {
    Deflater deflater(15, true, 6);
    const std::string message = repetitive(5000);
    const std::string first = deflater.compress(message);
    EXPECT_EQ(deflater.compress(message), first);
    EXPECT_EQ(inflate_once(first).text, message);
}

TEST(Deflater, EmptyMessageIsOneZeroByte) {
    // RFC 7692 §7.2.3.6.
    Deflater deflater(15, true, 6);
    EXPECT_EQ(deflater.compress(""), bytes({0x00}));
    EXPECT_EQ(inflate_once(bytes({0x00})).text, "");
}

TEST(Deflater, EmptyMessageWithContextTakeoverKeepsStreamsAligned) {
    Deflater deflater(15, false, 6);
    Inflater inflater(15, false);
    for (const std::string message : {"Hello", "", "", "Hello", ""}) {
        const std::string compressed = deflater.compress(message);
        EXPECT_FALSE(compressed.empty());
        EXPECT_EQ(inflate_pieces(inflater, {compressed}).text, message);
    }
}

TEST(Deflater, DeflateMessageEqualsAFreshDeflater) {
    for (int window : {9, 12, 15}) {
        for (int level : {1, 6, 9}) {
            const std::string message = repetitive(3000);
            Deflater fresh(window, true, level);
            EXPECT_EQ(deflate_message(message, window, level), fresh.compress(message));
            EXPECT_EQ(deflate_message(message, window, level), fresh.compress(message));
        }
    }
}

TEST(Inflater, DecompressesRfcExamples) {
    EXPECT_EQ(inflate_once(kHelloCompressed).text, "Hello");
    // §7.2.3.3: a stored (uncompressed) block.
    EXPECT_EQ(
            inflate_once(bytes({0x00, 0x05, 0x00, 0xfa, 0xff, 0x48, 0x65, 0x6c, 0x6c, 0x6f})).text,
            "Hello");
    // §7.2.3.4: a final block, then a padding byte.
    EXPECT_EQ(inflate_once(bytes({0xf3, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00, 0x00})).text, "Hello");
    // §7.2.3.5: two blocks in one message.
    EXPECT_EQ(inflate_once(bytes({0xf2, 0x48, 0x05, 0x00, 0x00, 0x00, 0xff, 0xff, 0xca, 0xc9, 0xc9,
                                  0x07, 0x00}))
                      .text,
              "Hello");
}

TEST(Inflater, DecompressesRfcExampleAtEverySplit) {
    const std::string stored = bytes({0x00, 0x05, 0x00, 0xfa, 0xff, 0x48, 0x65, 0x6c, 0x6c, 0x6f});
    for (const std::string& payload : {kHelloCompressed, stored}) {
        support::for_each_split(payload, [](const std::vector<std::string>& pieces) {
            Inflater inflater(15, true);
            const Inflated out = inflate_pieces(inflater, pieces);
            EXPECT_EQ(out.result, InflateResult::Ok);
            EXPECT_EQ(out.text, "Hello");
        });
    }
}

TEST(Inflater, FollowsContextTakeoverAcrossMessages) {
    Inflater inflater(15, false);
    EXPECT_EQ(inflate_pieces(inflater, {kHelloCompressed}).text, "Hello");
    const Inflated second = inflate_pieces(inflater, {bytes({0xf2, 0x00, 0x11, 0x00, 0x00})});
    EXPECT_EQ(second.result, InflateResult::Ok);
    EXPECT_EQ(second.text, "Hello");
}

TEST(Inflater, ResetsBetweenMessagesWithoutContextTakeover) {
    Inflater inflater(15, true);
    EXPECT_EQ(inflate_pieces(inflater, {kHelloCompressed}).text, "Hello");
    // The back reference points into a window the reset emptied.
    EXPECT_EQ(inflate_pieces(inflater, {bytes({0xf2, 0x00, 0x11, 0x00, 0x00})}).result,
              InflateResult::Corrupt);
}

TEST(Inflater, StartsAfreshAfterAFinalBlock) {
    Inflater inflater(15, false);
    const std::string final_block = bytes({0xf3, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00, 0x00});
    EXPECT_EQ(inflate_pieces(inflater, {final_block}).text, "Hello");
    EXPECT_EQ(inflate_pieces(inflater, {kHelloCompressed}).text, "Hello");
}

TEST(Inflater, TreatsAnEmptyPayloadAsAnEmptyMessage) {
    Inflater inflater(15, false);
    EXPECT_EQ(inflate_pieces(inflater, {kHelloCompressed}).text, "Hello");
    const Inflated empty = inflate_pieces(inflater, {});
    EXPECT_EQ(empty.result, InflateResult::Ok);
    EXPECT_EQ(empty.text, "");
    EXPECT_EQ(inflate_pieces(inflater, {bytes({0xf2, 0x00, 0x11, 0x00, 0x00})}).text, "Hello");
}

TEST(Inflater, IsUsableAgainAfterAnError) {
    Inflater inflater(15, false);
    std::string out;
    EXPECT_EQ(inflater.inflate(bytes({0x06}), out, 100), InflateResult::Corrupt);
    EXPECT_EQ(inflate_pieces(inflater, {kHelloCompressed}).text, "Hello");
}

TEST(Inflater, RejectsCorruptInput) {
    // BTYPE 11 is reserved (RFC 1951 §3.2.3).
    EXPECT_EQ(inflate_once(bytes({0x06})).result, InflateResult::Corrupt);
    // Stored block whose NLEN is not the complement of LEN.
    EXPECT_EQ(inflate_once(bytes({0x00, 0x05, 0x00, 0x00, 0x00, 'H'})).result,
              InflateResult::Corrupt);
    EXPECT_EQ(inflate_once(bytes({0xff, 0xff, 0xff, 0xff, 0xff})).result, InflateResult::Corrupt);
}

TEST(Inflater, StopsAZipBombAtTheLimitWithBoundedMemory) {
    const std::string zeros(10 * 1000 * 1000, '\0');
    const std::string bomb = deflate_message(zeros, 15, 9);
    ASSERT_LT(bomb.size(), 20000U);
    constexpr std::size_t kLimit = 64 * 1024;
    for (std::size_t piece : {bomb.size(), std::size_t{1000}, std::size_t{7}}) {
        Inflater inflater(15, true);
        std::string out;
        InflateResult result = InflateResult::Ok;
        for (const auto& chunk : support::chunks_of(bomb, piece)) {
            result = inflater.inflate(chunk, out, kLimit);
            ASSERT_LE(out.size(), kLimit + 1);
            if (result != InflateResult::Ok) {
                break;
            }
        }
        EXPECT_EQ(result, InflateResult::TooBig) << piece;
        EXPECT_LE(out.capacity(), 2 * kLimit + 64) << piece;
    }
}

TEST(Inflater, AllowsAMessageOfExactlyTheLimit) {
    const std::string message = repetitive(40000);
    const std::string compressed = deflate_message(message, 15, 6);
    const Inflated exact = inflate_once(compressed, message.size());
    EXPECT_EQ(exact.result, InflateResult::Ok);
    EXPECT_EQ(exact.text, message);
    EXPECT_EQ(inflate_once(compressed, message.size() - 1).result, InflateResult::TooBig);
}

TEST(Inflater, CountsTheLimitAcrossPieces) {
    const std::string message = repetitive(1000);
    const std::string compressed = deflate_message(message, 15, 6);
    for (std::size_t piece = 1; piece < compressed.size(); piece += 13) {
        Inflater inflater(15, true);
        EXPECT_EQ(inflate_pieces(inflater, support::chunks_of(compressed, piece), 999).result,
                  InflateResult::TooBig);
        EXPECT_EQ(inflate_pieces(inflater, support::chunks_of(compressed, piece), 1000).text,
                  message);
    }
}

TEST(DeflateRoundTrip, RestoresMessagesForEveryWindowLevelAndContextMode) {
    const std::vector<std::string> messages = {
            repetitive(100),   pseudo_random(3000, 7),  "",
            repetitive(70000), pseudo_random(40000, 9), repetitive(100)};
    for (int window = kMinWindowBits; window <= kMaxWindowBits; ++window) {
        for (bool no_context : {true, false}) {
            Deflater deflater(window, no_context, window % 2 == 0 ? 1 : 9);
            Inflater inflater(window, no_context);
            for (const auto& message : messages) {
                const std::string compressed = deflater.compress(message);
                const Inflated out = inflate_pieces(inflater, support::chunks_of(compressed, 4096));
                ASSERT_EQ(out.result, InflateResult::Ok) << window << " " << no_context;
                ASSERT_EQ(out.text, message) << window << " " << no_context;
            }
        }
    }
}

TEST(DeflateRoundTrip, ContextTakeoverMakesRepeatsSmaller) {
    Deflater deflater(15, false, 6);
    const std::string message = pseudo_random(2000, 3);
    const std::size_t first = deflater.compress(message).size();
    EXPECT_LT(deflater.compress(message).size(), first / 10);
}

}  // namespace
}  // namespace herald::ws
