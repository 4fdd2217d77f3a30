#include "herald/webhooks/event.h"

#include <vector>

#include <gtest/gtest.h>

#include "herald/webhooks/signer.h"
#include "herald/webhooks/target.h"

namespace herald::webhooks {
namespace {

constexpr std::int64_t kTime = 1327078148132;
constexpr std::string_view kSecret = "7ad3773142a6692b25b8";  // protocol.md §9.8

std::string body_of(const Event& event) {
    return webhook_body(kTime, std::vector<Event>{event});
}

TEST(WebhookBody, MatchesTestVectorW1) {
    const auto body = body_of(channel_occupied("my-channel"));
    EXPECT_EQ(
            body,
            R"({"time_ms":1327078148132,"events":[{"name":"channel_occupied","channel":"my-channel"}]})");
    EXPECT_EQ(webhook_signature(kSecret, body),
              "c19001ae3963ccb13bf618e5b16ba9848e7e74df0993aa0689168e341c6833cf");
}

TEST(WebhookBody, MatchesBatchedTestVectorW2) {
    const std::vector<Event> events{
            client_event("private-chat", "client-typing", R"({"who":"bob"})", "1234.1234", ""),
            member_added("presence-foobar", "10")};
    const auto body = webhook_body(kTime, events);
    EXPECT_EQ(webhook_signature(kSecret, body),
              "b374488486f9f8e928f6375c7691f5f3b47b30e93f192701f3dc69ac202d3b18");
}

TEST(WebhookBody, WritesEveryEventTypeWithTheFieldsOfSection93) {
    EXPECT_NE(body_of(channel_vacated("c")).find(R"({"name":"channel_vacated","channel":"c"})"),
              std::string::npos);
    EXPECT_NE(body_of(member_removed("presence-r", "27"))
                      .find(R"({"name":"member_removed","channel":"presence-r","user_id":"27"})"),
              std::string::npos);
    EXPECT_NE(body_of(cache_miss("cache-x")).find(R"({"name":"cache_miss","channel":"cache-x"})"),
              std::string::npos);
    EXPECT_NE(
            body_of(subscription_count("c", 42))
                    .find(R"({"name":"subscription_count","channel":"c","subscription_count":42})"),
            std::string::npos);
    EXPECT_NE(body_of(client_event("presence-r", "client-t", "{\"a\":1}", "1.2", "10"))
                      .find(R"("data":"{\"a\":1}","socket_id":"1.2","user_id":"10"})"),
              std::string::npos);
}

TEST(EventType, NamesRoundTrip) {
    for (const auto type : kEventTypes) {
        EXPECT_EQ(parse_event_type(name_of(type)), type);
    }
    EXPECT_FALSE(parse_event_type("channel_existence"));
}

TEST(Target, FiltersByTypeAndPrefixAndSkipsServerToUserChannels) {
    Target all{"http://h/", {}, ""};
    EXPECT_TRUE(all.wants(channel_occupied("anything")));
    EXPECT_FALSE(all.wants(channel_occupied("#server-to-user-7")));
    Target some{"http://h/", {EventType::MemberAdded}, "presence-room-"};
    EXPECT_TRUE(some.wants(member_added("presence-room-1", "u")));
    EXPECT_FALSE(some.wants(member_removed("presence-room-1", "u")));
    EXPECT_FALSE(some.wants(member_added("presence-other", "u")));
}

TEST(Target, ValidatesUrls) {
    EXPECT_TRUE(valid_target_url("http://127.0.0.1:8080/hook"));
    EXPECT_TRUE(valid_target_url("https://example.com"));
    EXPECT_FALSE(valid_target_url("ftp://example.com"));
    EXPECT_FALSE(valid_target_url("http://"));
    EXPECT_FALSE(valid_target_url("http:///path"));
    EXPECT_FALSE(valid_target_url("http://a b/"));
    EXPECT_FALSE(valid_target_url("http://a/\n"));
}

}  // namespace
}  // namespace herald::webhooks
