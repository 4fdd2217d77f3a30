#include "herald/cli/json_log.h"

#include <chrono>
#include <string>

#include <gtest/gtest.h>
#include <spdlog/details/log_msg.h>

namespace herald::cli {
namespace {

TEST(JsonLog, EscapesWhatJsonRequires) {
    EXPECT_EQ(json_escaped("plain"), "plain");
    EXPECT_EQ(json_escaped("say \"hi\" \\ bye"), "say \\\"hi\\\" \\\\ bye");
    EXPECT_EQ(json_escaped("a\nb\rc\td"), "a\\nb\\rc\\td");
    EXPECT_EQ(json_escaped(std::string("\x01\x1f\0x", 4)), "\\u0001\\u001f\\u0000x");
}

TEST(JsonLog, KeepsUtf8AndReplacesWhatIsNotUtf8) {
    EXPECT_EQ(json_escaped("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80"),
              "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80");
    const std::string replacement = "\xEF\xBF\xBD";
    EXPECT_EQ(json_escaped("a\xFF"
                           "b"),
              "a" + replacement + "b");
    EXPECT_EQ(json_escaped("\xC3"), replacement);                                      // cut short
    EXPECT_EQ(json_escaped("\xC0\xAF"), replacement + replacement);                    // overlong
    EXPECT_EQ(json_escaped("\xED\xA0\x80"), replacement + replacement + replacement);  // surrogate
    EXPECT_EQ(json_escaped("\xF4\x90\x80\x80").substr(0, 3), replacement);  // past U+10FFFF
}

TEST(JsonLog, OneObjectPerLineWithTimeLevelAndMessage) {
    spdlog::details::log_msg msg("herald", spdlog::level::warn, "a \"quoted\"\nmessage");
    // 2021-03-04T05:06:07.089Z
    msg.time = spdlog::log_clock::time_point(std::chrono::milliseconds(1614834367089));
    JsonLogFormatter formatter;
    spdlog::memory_buf_t out;
    formatter.format(msg, out);
    EXPECT_EQ(std::string(out.data(), out.size()),
              "{\"time\":\"2021-03-04T05:06:07.089Z\",\"level\":\"warn\",\"message\":\"a "
              "\\\"quoted\\\"\\nmessage\"}\n");
    msg.level = spdlog::level::err;
    out.clear();
    formatter.clone()->format(msg, out);
    EXPECT_NE(std::string(out.data(), out.size()).find("\"level\":\"error\""), std::string::npos);
}

}  // namespace
}  // namespace herald::cli
