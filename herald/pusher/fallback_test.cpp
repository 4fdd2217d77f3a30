#include "herald/pusher/fallback.h"

#include <gtest/gtest.h>

namespace herald::pusher {
namespace {

TEST(FallbackPath, ParsesPusherJsDefaultPath) {
    const auto parsed = parse_fallback_path("/pusher/app/app-key/123/abcdefgh/xhr_streaming", "");
    ASSERT_TRUE(parsed);
    EXPECT_EQ(parsed->key, "app-key");
    EXPECT_EQ(parsed->session, "123/abcdefgh");
    EXPECT_EQ(parsed->route, FallbackRoute::Streaming);
}

TEST(FallbackPath, ParsesEachRoute) {
    EXPECT_EQ(parse_fallback_path("/pusher/app/k/1/abcdefgh/xhr", "")->route,
              FallbackRoute::Polling);
    EXPECT_EQ(parse_fallback_path("/pusher/app/k/1/abcdefgh/xhr_send", "")->route,
              FallbackRoute::Send);
}

TEST(FallbackPath, AcceptsThePrefixWithOrWithoutPusher) {
    EXPECT_TRUE(parse_fallback_path("/ws/app/k/1/abcdefgh/xhr", "/ws"));
    EXPECT_TRUE(parse_fallback_path("/ws/pusher/app/k/1/abcdefgh/xhr", "/ws"));
    EXPECT_TRUE(parse_fallback_path("/app/k/1/abcdefgh/xhr", ""));
    EXPECT_FALSE(parse_fallback_path("/pusher/app/k/1/abcdefgh/xhr", "/ws"));
    EXPECT_FALSE(parse_fallback_path("/wsx/app/k/1/abcdefgh/xhr", "/ws"));
}

TEST(FallbackPath, RefusesOtherPaths) {
    for (const auto* path : {
                 "/pusher/app/k",                                // the WebSocket path
                 "/pusher/app/k/1/abcdefgh",                     // no route
                 "/pusher/app/k/1/abcdefgh/eventsource",         // not served
                 "/pusher/app/k/1/abcdefgh/xhr/",                // trailing slash
                 "/pusher/app/k/1/abcdefgh/xhr/x",               // one segment too many
                 "/pusher/app/k/1/abcdefg/xhr",                  // session too short
                 "/pusher/app/k//abcdefgh/xhr",                  // empty server
                 "/pusher/app//1/abcdefgh/xhr",                  // empty key
                 "/pusher/app/k/1/abc.defgh/xhr",                // a dot
                 "/pusher/app/k/1/abc%2Fdefgh/xhr",              // an escape
                 "/pusher/apps/k/1/abcdefgh/xhr",                // not "app"
                 "/pusher/app/k/12345678901234567/abcdefgh/xhr"  // server too long
         }) {
        EXPECT_FALSE(parse_fallback_path(path, "")) << path;
    }
    const std::string long_session(kMaxFallbackSessionLength + 1, 'a');
    EXPECT_FALSE(parse_fallback_path("/pusher/app/k/1/" + long_session + "/xhr", ""));
}

TEST(FallbackFrames, AreThoseOfTheProtocol) {
    EXPECT_EQ(open_frame(), "o\n");
    EXPECT_EQ(heartbeat_frame(), "h\n");
    const std::vector<std::string> messages{R"({"event":"e","data":"x"})", "second"};
    EXPECT_EQ(array_frame(messages), R"(a["{\"event\":\"e\",\"data\":\"x\"}","second"])"
                                     "\n");
    EXPECT_EQ(array_frame({}), "a[]\n");
    EXPECT_EQ(close_frame(4200, "Server is \"stopping\""), R"(c[4200,"Server is \"stopping\""])"
                                                           "\n");
}

TEST(FallbackSendBody, ReadsAnArrayOfStrings) {
    const auto parsed = parse_send_body(R"(["{\"event\":\"pusher:ping\",\"data\":{}}","x"])");
    ASSERT_TRUE(parsed);
    ASSERT_EQ(parsed->size(), 2U);
    EXPECT_EQ((*parsed)[0], R"({"event":"pusher:ping","data":{}})");
    EXPECT_EQ((*parsed)[1], "x");
    const auto keep_alive = parse_send_body("[]");
    ASSERT_TRUE(keep_alive);
    EXPECT_TRUE(keep_alive->empty());
}

TEST(FallbackSendBody, RefusesAnythingElse) {
    for (const auto* body : {"", "{}", "[1]", R"(["a",2])", "[", "\"a\"", "null", "[\"a\"] x"}) {
        EXPECT_FALSE(parse_send_body(body)) << body;
    }
}

TEST(FallbackSendBody, RoundTripsWhatTheFrameWrites) {
    const std::vector<std::string> messages{"line\nbreak", "quote\"", "tab\t", "\xC3\xA9"};
    auto frame = array_frame(messages);
    frame = frame.substr(1, frame.size() - 2);  // the array between 'a' and '\n'
    const auto parsed = parse_send_body(frame);
    ASSERT_TRUE(parsed);
    EXPECT_EQ(*parsed, messages);
}

}  // namespace
}  // namespace herald::pusher
