#include "herald/ws/utf8.h"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

namespace herald::ws {
namespace {

// A plain decoding oracle (RFC 3629 §3/§4), written differently from the validator's DFA.
bool oracle_valid(std::string_view s) {
    std::size_t i = 0;
    while (i < s.size()) {
        const auto lead = static_cast<unsigned char>(s[i]);
        if (lead < 0x80) {
            ++i;
            continue;
        }
        std::size_t len = 0;
        std::uint32_t cp = 0;
        if (lead >= 0xC0 && lead < 0xE0) {
            len = 2;
            cp = lead & 0x1FU;
        } else if (lead >= 0xE0 && lead < 0xF0) {
            len = 3;
            cp = lead & 0x0FU;
        } else if (lead >= 0xF0 && lead < 0xF8) {
            len = 4;
            cp = lead & 0x07U;
        } else {
            return false;
        }
        if (i + len > s.size()) {
            return false;
        }
        for (std::size_t k = 1; k < len; ++k) {
            const auto c = static_cast<unsigned char>(s[i + k]);
            if ((c & 0xC0U) != 0x80U) {
                return false;
            }
            cp = (cp << 6U) | (c & 0x3FU);
        }
        const std::uint32_t min_cp[] = {0, 0, 0x80, 0x800, 0x10000};
        if (cp < min_cp[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
            return false;
        }
        i += len;
    }
    return true;
}

// True when some continuation of `prefix` is valid UTF-8. Only the byte after a lead byte has a
// lead-specific range, so trying every value for it and 0x80 for the rest covers all cases.
bool oracle_viable(const std::string& prefix) {
    if (oracle_valid(prefix)) {
        return true;
    }
    for (int b = 0x80; b <= 0xBF; ++b) {
        std::string s = prefix;
        s.push_back(static_cast<char>(b));
        for (int extra = 0; extra < 3; ++extra) {
            if (oracle_valid(s)) {
                return true;
            }
            s.push_back('\x80');
        }
    }
    return false;
}

// Index of the first byte after which the input can no longer be valid, if any.
std::optional<std::size_t> oracle_first_failure(std::string_view s) {
    for (std::size_t k = 0; k < s.size(); ++k) {
        if (!oracle_viable(std::string(s.substr(0, k + 1)))) {
            return k;
        }
    }
    return std::nullopt;
}

std::optional<std::size_t> validator_first_failure(std::string_view s) {
    Utf8Validator v;
    for (std::size_t k = 0; k < s.size(); ++k) {
        if (!v.feed(s.substr(k, 1))) {
            return k;
        }
    }
    return std::nullopt;
}

std::string encode(std::uint32_t cp) {
    std::string out;
    if (cp < 0x80) {
        out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
    return out;
}

struct Case {
    std::string_view name;
    std::string_view bytes;
    bool valid;
};

const std::vector<Case>& classic_cases() {
    static const std::vector<Case> cases = {
            {"empty", "", true},
            {"ascii", "Hello, world", true},
            {"greek kosme", "\xCE\xBA\xE1\xBD\xB9\xCF\x83\xCE\xBC\xCE\xB5", true},
            {"first 2-byte U+0080", "\xC2\x80", true},
            {"first 3-byte U+0800", "\xE0\xA0\x80", true},
            {"first 4-byte U+10000", "\xF0\x90\x80\x80", true},
            {"last 1-byte U+007F", "\x7F", true},
            {"last 2-byte U+07FF", "\xDF\xBF", true},
            {"last before surrogates U+D7FF", "\xED\x9F\xBF", true},
            {"first after surrogates U+E000", "\xEE\x80\x80", true},
            {"U+FFFD", "\xEF\xBF\xBD", true},
            {"last 3-byte U+FFFF", "\xEF\xBF\xBF", true},
            {"last code point U+10FFFF", "\xF4\x8F\xBF\xBF", true},
            {"lone continuation", "\x80", false},
            {"continuation after ascii", "a\xBF", false},
            {"overlong slash 2", "\xC0\xAF", false},
            {"overlong slash 3", "\xE0\x80\xAF", false},
            {"overlong slash 4", "\xF0\x80\x80\xAF", false},
            {"overlong max 2", "\xC1\xBF", false},
            {"overlong max 3", "\xE0\x9F\xBF", false},
            {"overlong max 4", "\xF0\x8F\xBF\xBF", false},
            {"overlong nul", "\xC0\x80", false},
            {"high surrogate", "\xED\xA0\x80", false},
            {"low surrogate", "\xED\xBF\xBF", false},
            {"surrogate pair", "\xED\xA0\x80\xED\xB0\x80", false},
            {"above U+10FFFF", "\xF4\x90\x80\x80", false},
            {"lead F5", "\xF5\x80\x80\x80", false},
            {"lead FE", "\xFE", false},
            {"lead FF", "\xFF", false},
            {"5-byte form", "\xF8\x88\x80\x80\x80", false},
            {"truncated 2-byte", "\xC2", false},
            {"truncated 3-byte", "\xE1\x80", false},
            {"truncated 4-byte", "\xF1\x80\x80", false},
            {"ascii interrupts sequence",
             "\xE1\x80"
             "a",
             false},
            {"autobahn 6.4.1 style",
             "\xCE\xBA\xE1\xBD\xB9\xCF\x83\xCE\xBC\xCE\xB5\xF4\x90\x80\x80"
             "edited",
             false},
    };
    return cases;
}

TEST(Utf8, ClassicCasesAgreeWithExpectationAndOracle) {
    for (const auto& c : classic_cases()) {
        EXPECT_EQ(is_valid_utf8(c.bytes), c.valid) << c.name;
        EXPECT_EQ(oracle_valid(c.bytes), c.valid) << c.name << " (oracle)";
    }
}

TEST(Utf8, ClassicCasesGiveTheSameResultAtEverySplit) {
    for (const auto& c : classic_cases()) {
        for (std::size_t i = 0; i <= c.bytes.size(); ++i) {
            for (std::size_t j = i; j <= c.bytes.size(); ++j) {
                Utf8Validator v;
                const bool ok = v.feed(c.bytes.substr(0, i)) && v.feed(c.bytes.substr(i, j - i)) &&
                                v.feed(c.bytes.substr(j));
                EXPECT_EQ(ok && v.complete(), c.valid) << c.name << " at " << i << "," << j;
            }
        }
    }
}

TEST(Utf8, FailsAtTheFirstImpossibleByte) {
    for (const auto& c : classic_cases()) {
        EXPECT_EQ(validator_first_failure(c.bytes), oracle_first_failure(c.bytes)) << c.name;
    }
    EXPECT_EQ(validator_first_failure("\xED\xA0\x80"), std::optional<std::size_t>{1});
    EXPECT_EQ(validator_first_failure("\xF4\x90\x80\x80"), std::optional<std::size_t>{1});
    EXPECT_EQ(validator_first_failure("\xE0\x80\x80"), std::optional<std::size_t>{1});
    EXPECT_EQ(validator_first_failure("\xC0"), std::optional<std::size_t>{0});
}

TEST(Utf8, FailsMidSequenceAcrossFeeds) {
    Utf8Validator v;
    EXPECT_TRUE(v.feed("ok \xF0"));
    EXPECT_FALSE(v.complete());
    EXPECT_TRUE(v.feed("\x9F"));
    EXPECT_FALSE(v.feed("A"));
    EXPECT_FALSE(v.feed("more ascii stays rejected"));
    EXPECT_FALSE(v.complete());
    v.reset();
    EXPECT_TRUE(v.feed("fresh"));
    EXPECT_TRUE(v.complete());
}

TEST(Utf8, AcceptsEveryScalarValueAndRejectsEverySurrogate) {
    for (std::uint32_t cp = 0; cp <= 0x10FFFF; ++cp) {
        const bool surrogate = cp >= 0xD800 && cp <= 0xDFFF;
        ASSERT_EQ(is_valid_utf8(encode(cp)), !surrogate) << cp;
    }
}

TEST(Utf8, AgreesWithOracleOnAllTwoAndThreeByteInputs) {
    std::string s(3, '\0');
    for (int a = 0; a < 256; ++a) {
        for (int b = 0; b < 256; ++b) {
            s.assign({static_cast<char>(a), static_cast<char>(b)});
            ASSERT_EQ(is_valid_utf8(s), oracle_valid(s)) << a << " " << b;
            if (a < 0xE0 || a > 0xF4) {
                continue;
            }
            for (int c = 0; c < 256; ++c) {
                s.assign({static_cast<char>(a), static_cast<char>(b), static_cast<char>(c)});
                ASSERT_EQ(is_valid_utf8(s), oracle_valid(s)) << a << " " << b << " " << c;
            }
        }
    }
}

TEST(Utf8, AgreesWithOracleOnRandomInputsFedByteByByte) {
    std::uint64_t seed = 0x9E3779B97F4A7C15ULL;
    const auto next = [&seed] {
        seed ^= seed << 13U;
        seed ^= seed >> 7U;
        seed ^= seed << 17U;
        return seed;
    };
    for (int round = 0; round < 3000; ++round) {
        std::string s;
        const std::size_t len = 1 + next() % 12;
        for (std::size_t i = 0; i < len; ++i) {
            const std::uint64_t r = next();
            // Mostly high bytes, where the interesting transitions are.
            s.push_back(static_cast<char>(r % 4 == 0 ? r % 128 : 0x80 + (r >> 8U) % 128));
        }
        EXPECT_EQ(validator_first_failure(s), oracle_first_failure(s)) << round;
        EXPECT_EQ(is_valid_utf8(s), oracle_valid(s)) << round;
    }
}

TEST(Utf8, LongAsciiRunsWithAnErrorAtAnyOffsetAreRejected) {
    for (std::size_t at = 0; at < 40; ++at) {
        std::string s(40, 'x');
        s[at] = '\xFF';
        EXPECT_FALSE(is_valid_utf8(s)) << at;
        s[at] = '\xC3';
        EXPECT_EQ(is_valid_utf8(s), false) << at;
        if (at + 1 < s.size()) {
            s[at + 1] = '\xA9';
            EXPECT_TRUE(is_valid_utf8(s)) << at;
        }
    }
}

}  // namespace
}  // namespace herald::ws
