#include "herald/util/json_writer.h"

#include <cstdint>
#include <cstdio>
#include <limits>
#include <map>
#include <string>
#include <utility>

#include <gtest/gtest.h>

namespace herald::util {
namespace {

// An independent UTF-8 check for the property tests: decodes code points arithmetically and
// rejects overlong forms, surrogates and values above U+10FFFF.
std::size_t sequence_length(unsigned char lead) {
    if (lead < 0x80) {
        return 1;
    }
    if ((lead >> 5U) == 6) {
        return 2;
    }
    if ((lead >> 4U) == 14) {
        return 3;
    }
    return (lead >> 3U) == 30 ? 4 : 0;
}

// The code point of the n-byte sequence at s[i], or 0xFFFFFFFF when a continuation is wrong.
std::uint32_t decode(std::string_view s, std::size_t i, std::size_t n) {
    const auto lead = static_cast<unsigned char>(s[i]);
    std::uint32_t cp = n == 1 ? lead : lead & (0x7FU >> n);
    for (std::size_t k = 1; k < n; ++k) {
        const auto c = static_cast<unsigned char>(s[i + k]);
        if ((c >> 6U) != 2) {
            return 0xFFFFFFFF;
        }
        cp = (cp << 6U) | (c & 0x3FU);
    }
    return cp;
}

bool valid_utf8(std::string_view s) {
    static constexpr std::uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
    for (std::size_t i = 0; i < s.size();) {
        const std::size_t n = sequence_length(static_cast<unsigned char>(s[i]));
        if (n == 0 || i + n > s.size()) {
            return false;
        }
        const std::uint32_t cp = decode(s, i, n);
        if (cp < kMin[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
            return false;
        }
        i += n;
    }
    return true;
}

std::string encode_utf8(std::uint32_t cp) {
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

const std::string kFffd = "\xEF\xBF\xBD";

TEST(JsonQuote, EscapesQuoteAndBackslashOnly) {
    EXPECT_EQ(json_quote(""), R"("")");
    EXPECT_EQ(json_quote(R"(a"b\c/d)"), R"("a\"b\\c/d")");
}

TEST(JsonQuote, EscapesEveryControlCharacter) {
    const std::map<int, std::string> short_forms = {{'\b', R"("\b")"},
                                                    {'\f', R"("\f")"},
                                                    {'\n', R"("\n")"},
                                                    {'\r', R"("\r")"},
                                                    {'\t', R"("\t")"}};
    for (int c = 0; c < 0x20; ++c) {
        char hex[16];
        std::snprintf(hex, sizeof hex, "\"\\u%04x\"", c);
        const auto it = short_forms.find(c);
        EXPECT_EQ(json_quote(std::string(1, static_cast<char>(c))),
                  it != short_forms.end() ? it->second : std::string(hex))
                << c;
    }
}

TEST(JsonQuote, CopiesSpaceAndDelButEscapesEmbeddedNul) {
    EXPECT_EQ(json_quote(" ~\x7F"), "\" ~\x7F\"");
    EXPECT_EQ(json_quote(std::string("a\0b", 3)), R"("a\u0000b")");
}

TEST(JsonQuote, CopiesValidUtf8AtEveryLengthBoundary) {
    for (const std::uint32_t cp :
         {0x7FU, 0x80U, 0x7FFU, 0x800U, 0xD7FFU, 0xE000U, 0xFFFDU, 0xFFFFU, 0x10000U, 0x10FFFFU}) {
        const std::string text = "x" + encode_utf8(cp) + "y";
        EXPECT_EQ(json_quote(text), "\"" + text + "\"") << std::hex << cp;
    }
}

TEST(JsonQuote, ReplacesEachMaximalIllFormedSubpartWithOneReplacementCharacter) {
    const std::pair<std::string, std::string> cases[] = {
            {"\x80", kFffd},                                      // lone continuation
            {"\xBF\x80", kFffd + kFffd},                          // two lone continuations
            {"\xC0\x80", kFffd + kFffd},                          // overlong NUL: C0 never leads
            {"\xC1\xBF", kFffd + kFffd},                          // overlong
            {"\xE0\x80\x80", kFffd + kFffd + kFffd},              // overlong 3-byte
            {"\xED\xA0\x80", kFffd + kFffd + kFffd},              // surrogate U+D800
            {"\xF0\x80\x80\x80", kFffd + kFffd + kFffd + kFffd},  // overlong 4-byte
            {"\xF4\x90\x80\x80", kFffd + kFffd + kFffd + kFffd},  // above U+10FFFF
            {"\xF5\x80", kFffd + kFffd},                          // F5 never leads
            {"\xFF", kFffd},
            {"\xE2\x82", kFffd},                                   // truncated euro sign at the end
            {"\xE2\x82z", kFffd + "z"},                            // truncated, then ASCII
            {"\xF0\x9F\x98", kFffd},                               // truncated 4-byte
            {"\xF0\x9F\x98\xE2\x82\xAC", kFffd + "\xE2\x82\xAC"},  // truncated, then valid
            {"\xC3\"", kFffd + "\\\""},                            // truncated before a quote
    };
    for (const auto& [input, expected] : cases) {
        EXPECT_EQ(json_quote(input), "\"" + expected + "\"") << testing::PrintToString(input);
    }
}

TEST(JsonQuote, OutputIsValidUtf8ForEveryTwoByteInput) {
    std::string input(2, '\0');
    for (int a = 0; a < 256; ++a) {
        for (int b = 0; b < 256; ++b) {
            input[0] = static_cast<char>(a);
            input[1] = static_cast<char>(b);
            ASSERT_TRUE(valid_utf8(json_quote(input))) << a << " " << b;
        }
    }
}

TEST(JsonQuote, OutputIsValidUtf8ForEveryLeadFollowedByTwoBytes) {
    std::string input(3, '\0');
    for (int a = 0xC0; a < 256; ++a) {
        for (int b = 0x70; b < 0xD0; ++b) {
            for (int c = 0x70; c < 0xD0; ++c) {
                input = {static_cast<char>(a), static_cast<char>(b), static_cast<char>(c)};
                ASSERT_TRUE(valid_utf8(json_quote(input))) << a << " " << b << " " << c;
            }
        }
    }
}

TEST(JsonWriter, WritesEmptyContainers) {
    EXPECT_EQ(JsonWriter().begin_object().end_object().str(), "{}");
    EXPECT_EQ(JsonWriter().begin_array().end_array().str(), "[]");
}

TEST(JsonWriter, PlacesCommasAndColonsInNestedContainers) {
    JsonWriter w;
    w.begin_object().key("a").number(1).key("b").begin_array();
    w.string("x").begin_object().end_object().begin_array().end_array().null();
    w.end_array().key("c").begin_object().key("d").boolean(true).key("e").boolean(false);
    w.end_object().end_object();
    EXPECT_EQ(w.str(), R"({"a":1,"b":["x",{},[],null],"c":{"d":true,"e":false}})");
}

TEST(JsonWriter, EscapesKeysLikeStrings) {
    JsonWriter w;
    w.begin_object().key("a\"\n").string("\xFF").end_object();
    EXPECT_EQ(w.str(), "{\"a\\\"\\n\":\"" + kFffd + "\"}");
}

TEST(JsonWriter, WritesIntegerExtremes) {
    JsonWriter w;
    w.begin_array().number(std::numeric_limits<std::int64_t>::min());
    w.number(std::numeric_limits<std::int64_t>::max())
            .number(std::numeric_limits<std::uint64_t>::max());
    w.number(0).number(-1).number(std::uint16_t{4200}).end_array();
    EXPECT_EQ(w.str(), "[-9223372036854775808,9223372036854775807,18446744073709551615,0,-1,4200]");
}

TEST(JsonWriter, WritesShortestRoundTripDoublesAndNullForNonFinite) {
    JsonWriter w;
    w.begin_array().number(0.1).number(1.5e300).number(-0.0).number(2.0);
    w.number(std::numeric_limits<double>::quiet_NaN());
    w.number(std::numeric_limits<double>::infinity()).end_array();
    EXPECT_EQ(w.str(), "[0.1,1.5e+300,-0,2,null,null]");
}

TEST(JsonWriter, CopiesRawValuesVerbatimAsMembersAndElements) {
    JsonWriter w;
    w.begin_object().key("data").raw(R"({"x":[1, 2]})").key("n").raw("3").end_object();
    EXPECT_EQ(w.str(), R"({"data":{"x":[1, 2]},"n":3})");
    JsonWriter a;
    a.begin_array().raw("1").raw("\"s\"").end_array();
    EXPECT_EQ(a.str(), R"([1,"s"])");
}

TEST(JsonWriter, WritesASingleTopLevelScalar) {
    EXPECT_EQ(JsonWriter().string("x").str(), R"("x")");
    EXPECT_EQ(JsonWriter().number(7).str(), "7");
}

TEST(JsonWriter, TakeEmptiesTheWriterForReuse) {
    JsonWriter w;
    w.begin_array().number(1);
    const std::string first = w.take();
    EXPECT_EQ(first, "[1");
    EXPECT_EQ(w.str(), "");
    w.begin_array().number(2).end_array();
    EXPECT_EQ(w.str(), "[2]");  // no comma left over from the abandoned array
}

}  // namespace
}  // namespace herald::util
