// Triggering through the REST API (protocol.md §8.4, §8.10): body fields, limits at their
// boundaries, socket_id exclusion and info replies.
#include <string>

#include <gtest/gtest.h>

#include "herald/server/rest_api.h"
#include "herald/server/rest_fixture.h"

namespace herald::server::rest_testing {
namespace {

AppLimits small_limits() {
    AppLimits limits;
    limits.max_event_data_bytes = 32;
    limits.max_event_name_length = 10;
    limits.max_channel_name_length = 20;
    limits.max_channels_per_trigger = 3;
    limits.max_batch_events = 2;
    return limits;
}

class RestTrigger : public RestFixture {
protected:
    RestTrigger() : RestFixture(small_limits()) {}

    http::Response trigger(const std::string& body) { return post("/apps/3/events", body); }

    // Expects `body` refused with `status` and a message containing `text`, nothing published.
    void expect_refused(const std::string& body, unsigned status, std::string_view text) {
        const auto response = trigger(body);
        EXPECT_EQ(response.status, status) << body << " -> " << response.body;
        EXPECT_NE(response.body.find(text), std::string::npos) << response.body;
        EXPECT_EQ(content_type(response), "text/plain; charset=utf-8");
        EXPECT_TRUE(service_.published.empty()) << body;
    }

    std::vector<std::string> channels_published() const {
        std::vector<std::string> out;
        for (const auto& p : service_.published) {
            out.push_back(p.channel);
        }
        return out;
    }
};

std::string event(const std::string& channels, const std::string& extra = "") {
    return R"({"name":"ev","data":"d",)" + channels + extra + "}";
}

TEST_F(RestTrigger, PublishesToEveryChannelOnce) {
    const auto response = trigger(event(R"("channels":["a","presence-b","a"])"));
    ASSERT_EQ(response.status, 200U) << response.body;
    EXPECT_EQ(response.body, "{}");
    EXPECT_EQ(channels_published(), (std::vector<std::string>{"a", "presence-b"}));
    EXPECT_EQ(service_.published[1].event, "ev");
    EXPECT_EQ(service_.published[1].data, "d");
    EXPECT_FALSE(service_.published[1].user_id);
}

TEST_F(RestTrigger, AcceptsASingleChannelString) {
    EXPECT_EQ(trigger(event(R"("channel":"solo")")).status, 200U);
    EXPECT_EQ(channels_published(), std::vector<std::string>{"solo"});
}

TEST_F(RestTrigger, NeedsExactlyOneOfChannelAndChannels) {
    expect_refused(R"({"name":"ev","data":"d"})", 400, "Missing channel or channels");
    expect_refused(event(R"("channel":"a","channels":["b"])"), 400, "not both");
    expect_refused(event(R"("channels":[])"), 400, "at least one channel");
    expect_refused(event(R"("channels":"a")"), 400, "channels must be an array");
    expect_refused(event(R"("channels":["a",7])"), 400, "channels[1] must be a string");
    expect_refused(event(R"("channel":["a"])"), 400, "channel must be a string");
}

TEST_F(RestTrigger, ExcludesTheGivenSocketId) {
    EXPECT_EQ(trigger(event(R"("channel":"a")", R"(,"socket_id":"123.456")")).status, 200U);
    ASSERT_EQ(service_.published.size(), 1U);
    EXPECT_EQ(service_.published[0].exclude, "123.456");
}

TEST_F(RestTrigger, RefusesMalformedSocketIds) {
    for (const auto* id : {"", "123", "1.2.3", "a.1", ".1", "1.", " 1.2"}) {
        expect_refused(event(R"("channel":"a")", R"(,"socket_id":")" + std::string(id) + "\""), 400,
                       "Invalid socket_id");
    }
    expect_refused(event(R"("channel":"a")", R"(,"socket_id":1.2)"), 400,
                   "socket_id must be a string");
}

TEST_F(RestTrigger, RepliesWithTheAttributesAskedFor) {
    service_.states["presence-b"] = ChannelState{true, 5, 3, std::nullopt};
    service_.states["a"] = ChannelState{true, 12, 0, std::nullopt};
    const auto body =
            event(R"("channels":["presence-b","a"])", R"(,"info":"subscription_count,user_count")");
    EXPECT_EQ(trigger(body).body,
              R"({"channels":{"presence-b":{"user_count":3,"subscription_count":5},)"
              R"("a":{"subscription_count":12}}})");
    // Not applicable: user_count outside presence is left out, not refused.
    EXPECT_EQ(trigger(event(R"("channel":"a")", R"(,"info":"user_count")")).body,
              R"({"channels":{"a":{}}})");
    EXPECT_EQ(service_.asked, (std::vector<std::string>{"presence-b", "a"}));
}

TEST_F(RestTrigger, ChecksTheEventName) {
    expect_refused(R"({"data":"d","channel":"a"})", 400, "Missing event name");
    expect_refused(R"({"name":"","data":"d","channel":"a"})", 400, "Missing event name");
    expect_refused(R"({"name":5,"data":"d","channel":"a"})", 400, "name must be a string");
    expect_refused(R"({"name":"pusher:x","data":"d","channel":"a"})", 400, "reserved prefix");
    expect_refused(R"({"name":"pusher_internal:x","data":"d","channel":"a"})", 400,
                   "reserved prefix");
    // §6.9: any other characters are allowed (Laravel sends backslashes).
    EXPECT_EQ(trigger(R"({"name":"App\\Ev.1","data":"d","channel":"a"})").status, 200U);
    EXPECT_EQ(service_.published.at(0).event, "App\\Ev.1");
}

TEST_F(RestTrigger, ARepeatedKeyMeansItsLastValueAsInJavaScript) {
    EXPECT_EQ(trigger(R"({"name":"first","data":"d","channel":"a","name":"last","channel":"b"})")
                      .status,
              200U);
    EXPECT_EQ(service_.published.at(0).event, "last");
    EXPECT_EQ(service_.published.at(0).channel, "b");
}

TEST_F(RestTrigger, AcceptsAnEventNameExactlyAtTheLimit) {
    EXPECT_EQ(trigger(R"({"name":"0123456789","data":"d","channel":"a"})").status, 200U);
    service_.published.clear();
    expect_refused(R"({"name":"0123456789a","data":"d","channel":"a"})", 400,
                   "Event name is 11 bytes, longer than the limit of 10");
}

TEST_F(RestTrigger, AcceptsDataExactlyAtTheLimitAndAnswers413Above) {
    const std::string at(32, 'x');
    const auto ok = trigger(R"({"name":"ev","channel":"a","data":")" + at + "\"}");
    EXPECT_EQ(ok.status, 200U) << ok.body;
    service_.published.clear();
    expect_refused(R"({"name":"ev","channel":"a","data":")" + at + "x\"}", 413,
                   "data is 33 bytes, the limit is 32");
}

TEST_F(RestTrigger, SerialisesNonStringDataCompactly) {
    EXPECT_EQ(trigger(R"({"name":"ev","channel":"a","data":{ "k" : [1, 2] }})").status, 200U);
    EXPECT_EQ(service_.published.at(0).data, R"({"k":[1,2]})");
    service_.published.clear();
    expect_refused(R"({"name":"ev","channel":"a"})", 400, "Missing event data");
    expect_refused(R"({"name":"ev","channel":"a","data":null})", 400, "Missing event data");
}

TEST_F(RestTrigger, AcceptsChannelsExactlyAtTheCountLimit) {
    EXPECT_EQ(trigger(event(R"("channels":["a","b","c"])")).status, 200U);
    service_.published.clear();
    expect_refused(event(R"("channels":["a","b","c","d"])"), 400,
                   "Too many channels: 4, the limit is 3");
}

TEST_F(RestTrigger, AcceptsChannelNamesExactlyAtTheLengthLimit) {
    const std::string at(20, 'c');
    EXPECT_EQ(trigger(event(R"("channel":")" + at + "\"")).status, 200U);
    service_.published.clear();
    expect_refused(event(R"("channels":["ok",")" + at + "c\"]"), 400, "Invalid channel name");
    expect_refused(event(R"("channel":"a b")"), 400, "Invalid channel name 'a b'");
    expect_refused(event(R"("channel":"")"), 400, "Invalid channel name");
    expect_refused(event(R"("channel":"#other")"), 400, "Invalid channel name");
}

TEST_F(RestTrigger, SendsToAUserThroughItsChannel) {
    EXPECT_EQ(trigger(event(R"("channel":"#server-to-user-42")")).status, 200U);
    EXPECT_EQ(channels_published(), std::vector<std::string>{"#server-to-user-42"});
    service_.published.clear();
    expect_refused(event(R"("channel":"#server-to-user-")"), 400, "Invalid channel name");
}

TEST_F(RestTrigger, TriggersAnEncryptedChannelOnlyAlone) {
    EXPECT_EQ(trigger(event(R"("channels":["private-encrypted-a","private-encrypted-a"])")).status,
              200U);
    service_.published.clear();
    expect_refused(event(R"("channels":["private-encrypted-a","b"])"), 400,
                   "private-encrypted- channel must be triggered on that channel alone");
}

TEST_F(RestTrigger, RefusesBodiesThatAreNotAJsonObject) {
    expect_refused("", 400, "Missing request body");
    expect_refused("{", 400, "not valid JSON");
    expect_refused(R"(["name"])", 400, "must be a JSON object");
    expect_refused(R"({"name":"ev","data":"d","channel":"a","info":3})", 400,
                   "info must be a string");
}

// The documented defaults (§6.10) at their boundaries.
class RestTriggerDefaults : public RestFixture {};

std::string sized_body(std::size_t name, std::size_t data, std::size_t channels) {
    std::string list;
    for (std::size_t i = 0; i < channels; ++i) {
        list += (i == 0 ? "\"c" : ",\"c") + std::to_string(i) + "\"";
    }
    return R"({"name":")" + std::string(name, 'n') + R"(","data":")" + std::string(data, 'd') +
           R"(","channels":[)" + list + "]}";
}

TEST_F(RestTriggerDefaults, AcceptsEveryDocumentedLimitExactly) {
    EXPECT_EQ(post("/apps/3/events", sized_body(200, 10240, 100)).status, 200U);
    EXPECT_EQ(service_.published.size(), 100U);
}

TEST_F(RestTriggerDefaults, RefusesOneOverEachDocumentedLimit) {
    EXPECT_EQ(post("/apps/3/events", sized_body(201, 10240, 100)).status, 400U);
    EXPECT_EQ(post("/apps/3/events", sized_body(200, 10241, 100)).status, 413U);
    EXPECT_EQ(post("/apps/3/events", sized_body(200, 10240, 101)).status, 400U);
    EXPECT_TRUE(service_.published.empty());
}

}  // namespace
}  // namespace herald::server::rest_testing
