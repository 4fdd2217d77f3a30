// The Pusher connection handler through the real hub and tables, on the test thread: workers'
// posted deliveries are run explicitly (run_posted), so every exchange is deterministic.
#include "herald/server/connection.h"

#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "herald/pusher/auth.h"
#include "herald/pusher/message.h"
#include "herald/server/hub_fixture.h"

namespace herald::server {
namespace {

class ConnectionTest : public hub_testing::HubFixture {};

TEST_F(ConnectionTest, StartsWithConnectionEstablishedAndAnswersPings) {
    const auto c = connect();
    auto first = take(c);
    ASSERT_EQ(first.size(), 1U);
    EXPECT_NE(first[0].find("pusher:connection_established"), std::string::npos);
    EXPECT_NE(first[0].find(R"(\"activity_timeout\":120)"), std::string::npos);
    receive(c, R"({"event":"pusher:ping","data":{}})");
    EXPECT_EQ(take(c), std::vector<std::string>{R"({"event":"pusher:pong","data":{}})"});
}

TEST_F(ConnectionTest, DeliversAPublicationToSubscribersOnEveryWorkerExceptTheExcluded) {
    const auto a = connect(0);
    const auto b = connect(1);
    const auto c = connect(1);
    for (auto i : {a, b, c}) {
        subscribe(i, "news");
    }
    take(a), take(b), take(c);
    hub_.publish_everywhere(
            app(), Publication{"news", "update", "hello", connections_[c]->socket_id(), {}});
    run_posted();
    const std::string expected = R"({"event":"update","channel":"news","data":"hello"})";
    EXPECT_EQ(take(a), std::vector<std::string>{expected});
    EXPECT_EQ(take(b), std::vector<std::string>{expected});
    EXPECT_TRUE(take(c).empty());
}

TEST_F(ConnectionTest, RefusesABadSignatureWithASubscriptionError) {
    const auto c = connect();
    take(c);
    receive(c,
            R"({"event":"pusher:subscribe","data":{"channel":"private-a","auth":"app-key:00"}})");
    const auto replies = take(c);
    ASSERT_EQ(replies.size(), 1U);
    EXPECT_NE(replies[0].find("pusher:subscription_error"), std::string::npos);
    EXPECT_NE(replies[0].find(R"("status":401)"), std::string::npos);
    EXPECT_EQ(hub_.channel(app(), "private-a").subscription_count, 0U);
}

TEST_F(ConnectionTest, AnnouncesPresenceMembersOncePerUser) {
    const auto ann = connect(0);
    const auto ann2 = connect(1);
    const auto bob = connect(1);
    subscribe(ann, "presence-room", R"({"user_id":"1","user_info":{"name":"Ann"}})");
    EXPECT_TRUE(has(take(ann), R"(\"count\":1)"));
    subscribe(ann2, "presence-room", R"({"user_id":1})");
    EXPECT_TRUE(take(ann).empty()) << "a second connection of user 1 is not a new member";
    subscribe(bob, "presence-room", R"({"user_id":"2"})");
    const auto seen = take(ann);
    ASSERT_EQ(seen.size(), 1U);
    EXPECT_NE(seen[0].find("pusher_internal:member_added"), std::string::npos);
    EXPECT_TRUE(has(take(bob), R"(\"ids\":[\"1\",\"2\"])"));
    receive(ann, R"({"event":"pusher:unsubscribe","data":{"channel":"presence-room"}})");
    EXPECT_TRUE(take(bob).empty()) << "user 1 still has a connection";
    connections_[ann2]->closed();
    run_posted();
    EXPECT_TRUE(has(take(bob),
                    R"(member_removed","channel":"presence-room","data":"{\"user_id\":\"1\"}")"));
    EXPECT_EQ(hub_.presence_users(app(), "presence-room"), std::vector<std::string>{"2"});
}

TEST_F(ConnectionTest, RefusesANewMemberOfAFullPresenceChannel) {
    const auto a = connect();
    const auto b = connect();
    const auto c = connect();
    subscribe(a, "presence-x", R"({"user_id":"a"})");
    subscribe(b, "presence-x", R"({"user_id":"b"})");
    take(c);
    subscribe(c, "presence-x", R"({"user_id":"c"})");
    const auto replies = take(c);
    ASSERT_EQ(replies.size(), 1U);
    EXPECT_NE(replies[0].find("LimitReached"), std::string::npos);
    EXPECT_EQ(hub_.channel(app(), "presence-x").user_count, 2U);
}

TEST_F(ConnectionTest, RelaysClientEventsToOthersWithTheUserIdAndRateLimitsThem) {
    const auto a = connect(0);
    const auto b = connect(1);
    subscribe(a, "presence-chat", R"({"user_id":"a"})");
    subscribe(b, "presence-chat", R"({"user_id":"b"})");
    take(a), take(b);
    const std::string event =
            R"({"event":"client-typing","channel":"presence-chat","data":{"x":1}})";
    receive(a, event);
    EXPECT_TRUE(take(a).empty()) << "never echoed";
    EXPECT_EQ(
            take(b),
            std::vector<std::string>{
                    R"({"event":"client-typing","channel":"presence-chat","data":{"x":1},"user_id":"a"})"});
    receive(a, event);
    receive(a, event);
    EXPECT_TRUE(has(take(a), R"("code":4301)"));
    EXPECT_EQ(take(b).size(), 1U);
}

TEST_F(ConnectionTest, RefusesClientEventsOnPublicChannelsAndWhenNotSubscribed) {
    const auto a = connect();
    subscribe(a, "public");
    take(a);
    receive(a, R"({"event":"client-x","channel":"public","data":{}})");
    EXPECT_TRUE(has(take(a), "only accepted on private and presence channels"));
    receive(a, R"({"event":"client-x","channel":"private-y","data":{}})");
    EXPECT_TRUE(has(take(a), "not subscribed"));
}

TEST_F(ConnectionTest, ReplaysTheCachedEventOrReportsACacheMiss) {
    const auto a = connect();
    subscribe(a, "cache-weather");
    EXPECT_TRUE(has(take(a), R"({"event":"pusher:cache_miss","channel":"cache-weather"})"));
    hub_.publish_everywhere(app(), Publication{"cache-weather", "forecast", "sunny", {}, {}});
    run_posted();
    take(a);
    const auto b = connect(1);
    subscribe(b, "cache-weather");
    EXPECT_TRUE(has(take(b), R"({"event":"forecast","channel":"cache-weather","data":"sunny"})"));
}

TEST_F(ConnectionTest, SignsInDeliversToTheUserAndTerminates) {
    const auto a = connect(0);
    const auto b = connect(1);
    take(a);
    const std::string user_data = R"({"id":"42","watchlist":["7"]})";
    const auto auth =
            pusher::user_auth(app().key, app().secret, connections_[a]->socket_id(), user_data);
    receive(a, pusher::serialize(pusher::ClientMessage{pusher::Signin{auth, user_data}}));
    auto replies = take(a);
    EXPECT_TRUE(has(replies, "pusher:signin_success"));
    EXPECT_TRUE(has(replies, R"({"name":"offline","user_ids":["7"]})"));
    receive(a, R"({"event":"pusher:subscribe","data":{"channel":"#server-to-user-42","auth":""}})");
    EXPECT_TRUE(has(take(a), "subscription_succeeded"));
    receive(b, R"({"event":"pusher:subscribe","data":{"channel":"#server-to-user-42","auth":""}})");
    EXPECT_TRUE(has(take(b), "subscription_error"));
    hub_.publish_everywhere(app(), Publication{"#server-to-user-42", "note", "hi", {}, {}});
    run_posted();
    EXPECT_TRUE(has(take(a), R"("event":"note")"));
    EXPECT_TRUE(hub_.channels(app(), "").empty()) << "user channels are not listed";
    hub_.terminate_user(app(), "42");
    run_posted();
    EXPECT_EQ(wires_[a]->close_code, 4009);
    EXPECT_EQ(wires_[b]->close_code, 0);
}

TEST_F(ConnectionTest, LeavesEveryChannelWhenItCloses) {
    const auto a = connect();
    subscribe(a, "one");
    subscribe(a, "presence-two", R"({"user_id":"u"})");
    EXPECT_EQ(hub_.channels(app(), "").size(), 2U);
    connections_[a]->closed();
    run_posted();
    EXPECT_TRUE(hub_.channels(app(), "").empty());
    EXPECT_TRUE(hub_.presence_users(app(), "presence-two").empty());
}

TEST_F(ConnectionTest, AnswersMalformedMessagesWithPusherErrors) {
    const auto a = connect();
    take(a);
    receive(a, "not json");
    receive(a, R"({"event":"pusher:subscribe","data":{"channel":"bad name!"}})");
    receive(a, std::string(30 * 1024, ' '));
    const auto replies = take(a);
    ASSERT_EQ(replies.size(), 3U);
    EXPECT_NE(replies[0].find("pusher:error"), std::string::npos);
    EXPECT_NE(replies[1].find("InvalidChannel"), std::string::npos);
    EXPECT_NE(replies[2].find("exceeds the limit"), std::string::npos);
    EXPECT_EQ(wires_[a]->close_code, 0) << "errors do not close the connection";
}

class ChannelEventsTest : public ConnectionTest {
protected:
    ChannelEventsTest() { hub_.set_events(&recorder_); }

    ~ChannelEventsTest() override {
        for (auto& c : connections_) {
            c->closed();
        }
        hub_.set_events(nullptr);
    }

    std::vector<std::string> take_events() { return std::exchange(recorder_.seen, {}); }

    hub_testing::Recorder recorder_;
};

TEST_F(ChannelEventsTest, OccupiedAndVacatedOncePerTransitionAcrossWorkers) {
    const auto a = connect(0);
    const auto b = connect(1);
    subscribe(a, "news");
    subscribe(b, "news");
    EXPECT_EQ(take_events(), std::vector<std::string>{"occupied news"});
    receive(a, R"({"event":"pusher:unsubscribe","data":{"channel":"news"}})");
    EXPECT_TRUE(take_events().empty());
    connections_[b]->closed();
    EXPECT_EQ(take_events(), std::vector<std::string>{"vacated news"});
}

TEST_F(ChannelEventsTest, MembersOncePerUserNotPerConnectionInOrder) {
    const auto a1 = connect(0);
    const auto a2 = connect(1);
    subscribe(a1, "presence-r", R"({"user_id":"a"})");
    subscribe(a2, "presence-r", R"({"user_id":"a"})");
    EXPECT_EQ(take_events(),
              (std::vector<std::string>{"occupied presence-r", "added presence-r a"}));
    connections_[a1]->closed();
    EXPECT_TRUE(take_events().empty());
    connections_[a2]->closed();
    EXPECT_EQ(take_events(),
              (std::vector<std::string>{"removed presence-r a", "vacated presence-r"}));
}

TEST_F(ChannelEventsTest, ClientEventsAndCacheMisses) {
    const auto a = connect(0);
    const auto b = connect(0);
    subscribe(a, "presence-chat", R"({"user_id":"u1"})");
    subscribe(b, "private-chat");
    subscribe(b, "cache-prices");
    take_events();
    receive(a, R"({"event":"client-typing","channel":"presence-chat","data":{"x":1}})");
    receive(b, R"({"event":"client-note","channel":"private-chat","data":"plain"})");
    EXPECT_EQ(take_events(),
              (std::vector<std::string>{R"(client presence-chat client-typing {"x":1} sid u1)",
                                        "client private-chat client-note plain sid "}));
    const auto c = connect(1);
    subscribe(c, "cache-prices");
    EXPECT_EQ(take_events(), std::vector<std::string>{"miss cache-prices"});
}

}  // namespace
}  // namespace herald::server
