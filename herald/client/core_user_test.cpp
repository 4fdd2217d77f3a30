// The Core's sign-in (core_user.cpp, protocol.md §4.11-§4.13, §10.7) on the test's clock.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "herald/client/core.h"
#include "herald/client/core_fixture.h"
#include "herald/pusher/auth.h"
#include "herald/pusher/server_message.h"

namespace herald::client {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using testing::CoreTest;

TEST_F(CoreTest, SigninAfterConnectingAndAgainOnEveryConnection) {
    core_.signin();  // not connected: waits
    EXPECT_EQ(user_authentications_, 0);
    core_.connect(now_);
    establish("1.1");
    ASSERT_EQ(user_authentications_, 1);
    ASSERT_EQ(sent_.size(), 1U);
    EXPECT_EQ(sent_[0], R"({"event":"pusher:signin","data":{"auth":")" +
                                pusher::user_auth("key", "secret", "1.1", R"({"id":"u1"})") +
                                R"(","user_data":"{\"id\":\"u1\"}"}})");
    receive(pusher::signin_success(R"({"id":"u1"})"));
    EXPECT_EQ(core_.user_id(), "u1");
    ASSERT_EQ(sent_.size(), 2U);
    EXPECT_EQ(sent_[1],
              R"({"event":"pusher:subscribe","data":{"channel":"#server-to-user-u1","auth":""}})");
    ASSERT_EQ(user_events_.size(), 1U);
    EXPECT_EQ(user_events_[0].first.event, "pusher:signin_success");
    EXPECT_EQ(user_events_[0].first.data, R"({"id":"u1"})");

    receive(pusher::subscription_succeeded("#server-to-user-u1"));  // the client's own
    receive(pusher::channel_event("hello", "#server-to-user-u1", pusher::EventData::string("hi")));
    const std::vector<pusher::WatchlistEvent> watch{{pusher::WatchlistStatus::Online, {"u2"}}};
    receive(pusher::watchlist_events(watch));
    ASSERT_EQ(user_events_.size(), 3U);
    EXPECT_EQ(user_events_[1].first.event, "hello");
    EXPECT_EQ(user_events_[1].first.channel, "#server-to-user-u1");
    EXPECT_EQ(user_events_[1].first.data, "hi");
    EXPECT_EQ(user_events_[1].second, UserScope::User);
    EXPECT_EQ(user_events_[2].first.event, "online");
    EXPECT_EQ(user_events_[2].first.data, R"({"name":"online","user_ids":["u2"]})");
    EXPECT_EQ(user_events_[2].second, UserScope::Watchlist);
    EXPECT_TRUE(events_.empty());  // nothing of the user reaches the channels' bindings

    core_.socket_closed(4200, now_);
    EXPECT_EQ(core_.user_id(), "");
    establish("2.2");
    EXPECT_EQ(user_authentications_, 2);  // a new socket id, a new signature
    EXPECT_NE(sent_.back().find("pusher:signin"), std::string::npos);
}

TEST_F(CoreTest, ARefusedOrUnusableSigninIsASigninError) {
    refuse_auth_ = true;
    core_.connect(now_);
    establish();
    core_.signin();
    ASSERT_EQ(user_events_.size(), 1U);
    EXPECT_EQ(user_events_[0].first.event, "pusher:signin_error");
    EXPECT_EQ(user_events_[0].first.data, R"({"type":"AuthError","error":"no"})");
    EXPECT_TRUE(sent_.empty());

    refuse_auth_ = false;
    core_.socket_closed(4200, now_);
    establish("2.2");
    receive(pusher::signin_success(R"({"name":"no id"})"));
    EXPECT_EQ(user_events_.back().first.event, "pusher:signin_error");
    EXPECT_EQ(core_.user_id(), "");
}

TEST(CoreAsyncSignin, TheAnswerComesLaterAndOnlyForTheSameSocket) {
    std::vector<std::string> sent;
    std::vector<std::string> asked;
    std::vector<Event> user_events;
    CoreHooks h;
    h.open = [] {
    };
    h.send = [&](const std::string& text) {
        sent.push_back(text);
    };
    h.drop = [](std::uint16_t) {
    };
    h.authenticate_user_async = [&](const std::string& socket_id) {
        asked.push_back(socket_id);
    };
    h.user_event = [&](const Event& event, UserScope) {
        user_events.push_back(event);
    };
    Core core(Timeouts{}, h);
    const Clock::time_point now{seconds(1000)};
    core.connect(now);
    core.socket_message(pusher::connection_established("1.1", seconds(120)), now);
    core.signin();
    ASSERT_EQ(asked, (std::vector<std::string>{"1.1"}));
    const std::string answer = R"({"auth":"k:s","user_data":"{\"id\":\"7\"}"})";
    core.user_authenticated("9.9", answer);  // another connection's
    EXPECT_TRUE(sent.empty());
    core.user_authenticated("1.1", answer);
    ASSERT_EQ(sent.size(), 1U);
    EXPECT_EQ(sent[0],
              R"({"event":"pusher:signin","data":{"auth":"k:s","user_data":"{\"id\":\"7\"}"}})");
    core.socket_message(pusher::signin_success(R"({"id":"7"})"), now);
    EXPECT_EQ(core.user_id(), "7");
    ASSERT_EQ(user_events.size(), 1U);
    EXPECT_EQ(user_events[0].event, "pusher:signin_success");
}

}  // namespace
}  // namespace herald::client
