// The Core's connection and channel decisions (core.cpp, core_channels.cpp) on the test's clock.
#include "herald/client/core.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "herald/client/core_fixture.h"
#include "herald/pusher/auth.h"
#include "herald/pusher/server_message.h"

namespace herald::client {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using testing::CoreTest;

TEST_F(CoreTest, ConnectsAndLearnsItsSocketId) {
    EXPECT_EQ(core_.state(), State::Initialized);
    core_.connect(now_);
    EXPECT_EQ(opens_, 1);
    EXPECT_EQ(core_.state(), State::Connecting);
    establish("12.34", seconds(30));
    EXPECT_EQ(core_.state(), State::Connected);
    EXPECT_EQ(core_.socket_id(), "12.34");
    EXPECT_EQ(core_.activity_timeout(), seconds(30));  // the server's, lower than ours
    EXPECT_EQ(states_, (std::vector<State>{State::Connecting, State::Connected}));
    core_.connect(now_);  // already connected: nothing
    EXPECT_EQ(opens_, 1);
}

TEST_F(CoreTest, FatalCodesFailWithoutReconnecting) {
    core_.connect(now_);
    establish();
    core_.socket_closed(4001, now_);
    EXPECT_EQ(core_.state(), State::Failed);
    EXPECT_FALSE(core_.next_deadline());
    advance(seconds(100));
    EXPECT_EQ(opens_, 1);
    EXPECT_EQ(core_.socket_id(), "");
}

TEST_F(CoreTest, Code4000SwitchesToTlsAndReconnectsAtOnceButOnlyOnce) {
    core_.connect(now_);
    receive(pusher::pusher_error(pusher::ErrorCode::SslOnly, "TLS only"));
    EXPECT_TRUE(tls_);
    EXPECT_EQ(opens_, 2);  // at once, over TLS
    EXPECT_EQ(core_.state(), State::Connecting);
    core_.socket_closed(4000, now_);  // refused over TLS too: nothing more to switch to
    EXPECT_EQ(core_.state(), State::Failed);
    EXPECT_EQ(opens_, 2);
}

TEST_F(CoreTest, AHandshakeErrorDecidesLikeACloseCode) {
    core_.connect(now_);
    receive(pusher::pusher_error(pusher::ErrorCode::ApplicationDoesNotExist, "no such app"));
    EXPECT_EQ(drops_, (std::vector<std::uint16_t>{4001}));
    EXPECT_EQ(core_.state(), State::Failed);
    ASSERT_EQ(events_.size(), 1U);
    EXPECT_EQ(events_[0].event, "pusher:error");
    core_.socket_closed(4001, now_);  // the late close of the dropped socket changes nothing
    EXPECT_EQ(opens_, 1);
}

TEST_F(CoreTest, The4200RangeReconnectsAtOnce) {
    core_.connect(now_);
    establish();
    core_.socket_closed(4200, now_);
    EXPECT_EQ(opens_, 2);
    EXPECT_EQ(core_.state(), State::Connecting);
}

TEST_F(CoreTest, The4100RangeAndNetworkErrorsBackOffWithACap) {
    core_.connect(now_);
    establish();
    core_.socket_closed(4100, now_);
    EXPECT_EQ(opens_, 1);
    EXPECT_EQ(core_.next_deadline(), now_ + seconds(1));
    advance(milliseconds(999));
    EXPECT_EQ(opens_, 1);
    advance(milliseconds(1));
    EXPECT_EQ(opens_, 2);
    // Failed attempts (1006) double the delay up to the cap (random() is 1: the full delay).
    const std::vector<seconds> expected{seconds(2), seconds(4), seconds(8), seconds(8)};
    for (const auto delay : expected) {
        const int before = opens_;
        core_.socket_closed(1006, now_);
        advance(delay - milliseconds(1));
        EXPECT_EQ(opens_, before) << delay.count();
        advance(milliseconds(1));
        EXPECT_EQ(opens_, before + 1) << delay.count();
    }
    EXPECT_EQ(opens_, 6);
    // A connection that gets through resets the back-off.
    establish();
    core_.socket_closed(1006, now_);
    EXPECT_EQ(core_.next_deadline(), now_ + seconds(1));
}

TEST_F(CoreTest, UnavailableAfterTheTimeoutAndAttemptsGoOn) {
    core_.connect(now_);
    core_.socket_closed(1006, now_);
    advance(seconds(1));
    core_.socket_closed(1006, now_);
    advance(seconds(2));
    core_.socket_closed(1006, now_);
    advance(seconds(4));
    core_.socket_closed(1006, now_);
    advance(seconds(3));
    EXPECT_EQ(core_.state(), State::Unavailable);
    advance(seconds(5));
    EXPECT_EQ(opens_, 5);
    establish();
    EXPECT_EQ(core_.state(), State::Connected);
}

TEST_F(CoreTest, PingsAfterSilenceAndGivesUpWithoutPong) {
    core_.connect(now_);
    establish();
    advance(seconds(119));
    EXPECT_TRUE(sent_.empty());
    receive(R"({"event":"some","channel":"x","data":"1"})");  // activity restarts the timer
    advance(seconds(119));
    EXPECT_TRUE(sent_.empty());
    advance(seconds(1));
    EXPECT_EQ(sent_, (std::vector<std::string>{R"({"event":"pusher:ping","data":{}})"}));
    receive(pusher::pong());  // answered: the next ping is an activity timeout away
    advance(seconds(119));
    EXPECT_EQ(sent_.size(), 1U);
    advance(seconds(1));
    EXPECT_EQ(sent_.size(), 2U);
    advance(seconds(29));
    EXPECT_TRUE(drops_.empty());
    advance(seconds(1));  // no pong within the pong timeout: lost, reconnect at once
    EXPECT_EQ(drops_, (std::vector<std::uint16_t>{4201}));
    EXPECT_EQ(opens_, 2);
    EXPECT_EQ(core_.state(), State::Connecting);
}

TEST_F(CoreTest, AnswersTheServersPing) {
    core_.connect(now_);
    establish();
    receive(pusher::ping());
    EXPECT_EQ(sent_, (std::vector<std::string>{R"({"event":"pusher:pong","data":{}})"}));
}

TEST_F(CoreTest, AFirstFrameThatIsNoHandshakeBacksOff) {
    core_.connect(now_);
    receive(R"({"event":"other"})");
    EXPECT_EQ(drops_, (std::vector<std::uint16_t>{1002}));
    EXPECT_EQ(opens_, 1);
    EXPECT_TRUE(core_.next_deadline());
    receive(pusher::connection_established("1.1", seconds(120)));  // from the dropped socket
    EXPECT_NE(core_.state(), State::Connected);
}

TEST_F(CoreTest, SubscriptionsWaitForTheConnectionAndComeBackAfterEachReconnect) {
    ASSERT_TRUE(core_.subscribe("news"));
    core_.connect(now_);
    EXPECT_TRUE(sent_.empty());
    establish();
    EXPECT_EQ(sent_,
              (std::vector<std::string>{
                      R"({"event":"pusher:subscribe","data":{"channel":"news","auth":""}})"}));
    EXPECT_EQ(core_.channels().status("news"), ChannelStatus::Pending);
    receive(pusher::subscription_succeeded("news"));
    EXPECT_EQ(core_.channels().status("news"), ChannelStatus::Subscribed);
    ASSERT_EQ(events_.size(), 1U);
    EXPECT_EQ(events_[0].event, "pusher:subscription_succeeded");
    EXPECT_EQ(events_[0].channel, "news");
    receive(R"({"event":"update","channel":"news","data":"{\"a\":1}"})");
    ASSERT_EQ(events_.size(), 2U);
    EXPECT_EQ(events_[1].data, R"({"a":1})");
    receive(R"({"event":"update","channel":"other","data":"x"})");  // not ours
    EXPECT_EQ(events_.size(), 2U);

    core_.socket_closed(4200, now_);
    EXPECT_EQ(core_.channels().status("news"), ChannelStatus::Waiting);
    sent_.clear();
    establish("2.2");
    EXPECT_EQ(sent_.size(), 1U);
    EXPECT_EQ(core_.channels().status("news"), ChannelStatus::Pending);
}

TEST_F(CoreTest, UnsubscribeSendsOnlyWhatTheServerKnows) {
    core_.connect(now_);
    ASSERT_TRUE(core_.subscribe("a"));
    core_.unsubscribe("a");  // waiting: nothing was sent
    EXPECT_TRUE(sent_.empty());
    establish();
    ASSERT_TRUE(core_.subscribe("b"));
    core_.unsubscribe("b");  // pending: the server undoes it in order
    EXPECT_EQ(sent_.back(), R"({"event":"pusher:unsubscribe","data":{"channel":"b"}})");
    receive(pusher::subscription_succeeded("b"));  // late: ignored
    EXPECT_TRUE(events_.empty());
    EXPECT_FALSE(core_.subscribe("bad name"));
    EXPECT_FALSE(core_.subscribe("#server-to-user-1"));
}

TEST_F(CoreTest, PrivateChannelsAreAuthorizedWithEachNewSocketId) {
    ASSERT_TRUE(core_.subscribe("private-a"));
    core_.connect(now_);
    establish("1.1");
    const auto expected = pusher::channel_auth("key", "secret", "1.1", "private-a");
    ASSERT_EQ(sent_.size(), 1U);
    EXPECT_NE(sent_[0].find(expected), std::string::npos);
    core_.socket_closed(4200, now_);
    establish("2.2");
    ASSERT_EQ(sent_.size(), 2U);
    EXPECT_NE(sent_[1].find(pusher::channel_auth("key", "secret", "2.2", "private-a")),
              std::string::npos);
}

TEST_F(CoreTest, ARefusedAuthorizationIsASubscriptionError) {
    refuse_auth_ = true;
    core_.connect(now_);
    establish();
    ASSERT_TRUE(core_.subscribe("private-a"));
    EXPECT_TRUE(sent_.empty());
    ASSERT_EQ(events_.size(), 1U);
    EXPECT_EQ(events_[0].event, "pusher:subscription_error");
    EXPECT_EQ(events_[0].data, R"({"type":"AuthError","error":"no"})");
    EXPECT_EQ(core_.channels().status("private-a"), ChannelStatus::Refused);
    // The server's refusal is reported the same way.
    refuse_auth_ = false;
    ASSERT_TRUE(core_.subscribe("private-b"));
    receive(pusher::subscription_error("private-b", pusher::SubscriptionErrorType::AuthError, "bad",
                                       401));
    EXPECT_EQ(core_.channels().status("private-b"), ChannelStatus::Refused);
    EXPECT_EQ(events_.back().event, "pusher:subscription_error");
}

// An asynchronous authorizer (the HTTP endpoint): the answer comes later through authorized().
TEST(CoreAsyncAuth, TheAnswerComesLaterAndOnlyForTheSameSocket) {
    std::vector<std::string> sent;
    std::vector<std::pair<std::string, std::string>> asked;
    std::vector<Event> events;
    CoreHooks h;
    h.open = [] {
    };
    h.send = [&](const std::string& text) {
        sent.push_back(text);
    };
    h.drop = [](std::uint16_t) {
    };
    h.state_changed = [](State, State) {
    };
    h.event = [&](const Event& event) {
        events.push_back(event);
    };
    h.authorize_async = [&](const std::string& socket_id, const std::string& channel) {
        asked.emplace_back(socket_id, channel);
    };
    h.random = [] {
        return 1.0;
    };
    Core core(Timeouts{}, h);
    const Clock::time_point now{seconds(1000)};
    core.connect(now);
    core.socket_message(pusher::connection_established("1.1", seconds(120)), now);
    ASSERT_TRUE(core.subscribe("private-a"));
    ASSERT_TRUE(core.subscribe("private-b"));
    ASSERT_EQ(asked.size(), 2U);
    EXPECT_EQ(asked[0], (std::pair<std::string, std::string>{"1.1", "private-a"}));
    EXPECT_TRUE(sent.empty());
    EXPECT_EQ(core.channels().status("private-a"), ChannelStatus::Authorizing);

    const auto auth = pusher::channel_auth("key", "secret", "1.1", "private-a");
    core.authorized("9.9", "private-a", R"({"auth":")" + auth + "\"}");  // another socket
    EXPECT_TRUE(sent.empty());
    core.authorized("1.1", "private-a", R"({"auth":")" + auth + "\"}");
    ASSERT_EQ(sent.size(), 1U);
    EXPECT_NE(sent[0].find(auth), std::string::npos);
    EXPECT_EQ(core.channels().status("private-a"), ChannelStatus::Pending);

    core.authorized("1.1", "private-b", util::unexpected(std::string("forbidden")), 403);
    ASSERT_EQ(events.size(), 1U);
    EXPECT_EQ(events[0].event, "pusher:subscription_error");
    EXPECT_EQ(events[0].data, R"({"type":"AuthError","error":"forbidden","status":403})");
    EXPECT_EQ(core.channels().status("private-b"), ChannelStatus::Refused);
}

TEST_F(CoreTest, PresenceMembersFollowTheRoster) {
    core_.connect(now_);
    establish();
    ASSERT_TRUE(core_.subscribe("presence-room"));
    ASSERT_EQ(sent_.size(), 1U);
    EXPECT_NE(sent_[0].find("channel_data"), std::string::npos);
    receive(pusher::presence_subscription_succeeded(
            "presence-room", std::vector<pusher::Member>{{"u1", R"({"n":1})"}, {"u2", "{}"}}));
    const auto* entry = core_.channels().find("presence-room");
    ASSERT_NE(entry, nullptr);
    EXPECT_EQ(entry->members.me(), "u1");
    EXPECT_EQ(entry->members.count(), 2U);
    receive(pusher::member_added("presence-room", pusher::Member{"u3", R"({"n":3})"}));
    EXPECT_EQ(entry->members.count(), 3U);
    EXPECT_EQ(entry->members.get("u3"), R"({"n":3})");
    EXPECT_EQ(events_.back().event, "pusher:member_added");
    EXPECT_EQ(events_.back().user_id, "u3");
    EXPECT_EQ(events_.back().data, R"({"user_id":"u3","user_info":{"n":3}})");
    receive(pusher::member_removed("presence-room", "u2"));
    EXPECT_EQ(entry->members.count(), 2U);
    EXPECT_EQ(events_.back().event, "pusher:member_removed");
    const auto before = events_.size();
    receive(pusher::member_removed("presence-room", "nobody"));  // unknown: ignored
    EXPECT_EQ(events_.size(), before);
    core_.socket_closed(1006, now_);
    EXPECT_EQ(core_.channels().find("presence-room")->members.count(), 0U);
}

TEST_F(CoreTest, ClientEventsFollowTheProtocolsRules) {
    core_.connect(now_);
    ASSERT_TRUE(core_.subscribe("private-a"));
    ASSERT_TRUE(core_.subscribe("public"));
    EXPECT_EQ(core_.trigger("private-a", "client-x", "{}", now_).error(), "not connected");
    establish();
    receive(pusher::subscription_succeeded("private-a"));
    receive(pusher::subscription_succeeded("public"));
    sent_.clear();
    EXPECT_FALSE(core_.trigger("private-a", "x", "{}", now_));
    EXPECT_FALSE(core_.trigger("public", "client-x", "{}", now_));
    EXPECT_FALSE(core_.trigger("private-b", "client-x", "{}", now_));
    EXPECT_FALSE(core_.trigger("private-a", "client-x", "{not json", now_));
    EXPECT_FALSE(core_.trigger("private-a", "client-x", std::string(11000, '1'), now_));
    EXPECT_TRUE(sent_.empty());
    ASSERT_TRUE(core_.trigger("private-a", "client-x", R"({"a":1})", now_));
    EXPECT_EQ(sent_.back(), R"({"event":"client-x","channel":"private-a","data":{"a":1}})");
    for (int i = 1; i < 10; ++i) {
        ASSERT_TRUE(core_.trigger("private-a", "client-x", "1", now_ + milliseconds(i)));
    }
    EXPECT_FALSE(core_.trigger("private-a", "client-x", "1", now_ + milliseconds(500)));
    EXPECT_TRUE(core_.trigger("private-a", "client-x", "1", now_ + milliseconds(1000)));
}

TEST_F(CoreTest, DisconnectStopsEverything) {
    core_.connect(now_);
    establish();
    core_.disconnect();
    EXPECT_EQ(drops_, (std::vector<std::uint16_t>{1000}));
    EXPECT_EQ(core_.state(), State::Disconnected);
    EXPECT_FALSE(core_.next_deadline());
    core_.socket_closed(1000, now_);
    EXPECT_EQ(opens_, 1);
    core_.connect(now_);  // and connecting again works
    EXPECT_EQ(opens_, 2);
}

TEST_F(CoreTest, PusherErrorsAfterTheHandshakeAreOnlyReported) {
    core_.connect(now_);
    establish();
    receive(pusher::pusher_error(pusher::ErrorCode::ClientEventRateLimit, "slow down"));
    EXPECT_EQ(core_.state(), State::Connected);
    EXPECT_TRUE(drops_.empty());
    ASSERT_EQ(events_.size(), 1U);
    EXPECT_EQ(events_[0].data, R"({"code":4301,"message":"slow down"})");
}

TEST_F(CoreTest, AMessageWithAnEmptyEventNameIsDropped) {
    core_.connect(now_);
    establish();
    ASSERT_TRUE(core_.subscribe("news"));
    receive(pusher::subscription_succeeded("news"));
    const auto before = events_.size();
    receive(R"({"event":"","channel":"news","data":"{}"})");
    receive(R"({"event":"","data":"{}"})");
    EXPECT_EQ(events_.size(), before);
    EXPECT_EQ(core_.state(), State::Connected);
    receive(R"({"event":"update","channel":"news","data":"{}"})");
    ASSERT_EQ(events_.size(), before + 1);
    EXPECT_EQ(events_.back().event, "update");
}

TEST_F(CoreTest, CacheMissIsANamedChannelEvent) {
    core_.connect(now_);
    establish();
    ASSERT_TRUE(core_.subscribe("cache-weather"));
    receive(pusher::subscription_succeeded("cache-weather"));
    receive(pusher::cache_miss("cache-weather"));
    EXPECT_EQ(events_.back().event, "pusher:cache_miss");
    EXPECT_EQ(events_.back().channel, "cache-weather");
}

}  // namespace
}  // namespace herald::client
