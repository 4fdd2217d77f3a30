#include "herald/client/core.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "herald/pusher/auth.h"
#include "herald/pusher/secretbox.h"
#include "herald/pusher/server_message.h"
#include "herald/util/base64.h"

namespace herald::client {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

// A core over a transport that records what it is asked to do, on a clock the test moves.
class CoreTest : public ::testing::Test {
protected:
    CoreTest() : core_(timeouts(), hooks()) {}

    static Timeouts timeouts() {
        Timeouts t;
        t.activity = seconds(120);
        t.pong = seconds(30);
        t.unavailable = seconds(10);
        t.first_backoff = seconds(1);
        t.max_backoff = seconds(8);
        return t;
    }

    CoreHooks hooks() {
        CoreHooks h;
        h.open = [this] {
            ++opens_;
        };
        h.send = [this](const std::string& text) {
            sent_.push_back(text);
        };
        h.drop = [this](std::uint16_t code) {
            drops_.push_back(code);
        };
        h.state_changed = [this](State, State current) {
            states_.push_back(current);
        };
        h.event = [this](const Event& event) {
            events_.push_back(event);
        };
        h.authorize = [this](std::string_view socket_id, std::string_view channel) -> AuthResult {
            if (refuse_auth_) {
                return util::unexpected(std::string("no"));
            }
            const bool presence = channel.starts_with("presence-");
            const std::string data = R"({"user_id":"u1","user_info":{"n":1}})";
            std::string json = R"({"auth":")" +
                               pusher::channel_auth("key", "secret", socket_id, channel,
                                                    presence ? std::optional<std::string_view>(data)
                                                             : std::nullopt) +
                               "\"";
            if (presence) {
                json += R"(,"channel_data":"{\"user_id\":\"u1\",\"user_info\":{\"n\":1}}")";
            }
            if (!shared_secret_.empty()) {
                json += R"(,"shared_secret":")" + util::base64_encode(shared_secret_) + "\"";
            }
            ++authorizations_;
            return json + "}";
        };
        h.random = [] {
            return 1.0;
        };
        h.use_tls = [this] {
            return !std::exchange(tls_, true);
        };
        h.authenticate_user = [this](std::string_view socket_id) -> AuthResult {
            ++user_authentications_;
            if (refuse_auth_) {
                return util::unexpected(std::string("no"));
            }
            const std::string data = R"({"id":"u1"})";
            return R"({"auth":")" + pusher::user_auth("key", "secret", socket_id, data) +
                   R"(","user_data":"{\"id\":\"u1\"}"})";
        };
        h.user_event = [this](const Event& event, UserScope scope) {
            user_events_.emplace_back(event, scope);
        };
        return h;
    }

    void receive(const std::string& text) { core_.socket_message(text, now_); }

    void establish(std::string_view socket_id = "1.1", seconds activity = seconds(120)) {
        receive(pusher::connection_established(socket_id, activity));
    }

    void advance(milliseconds by) {
        now_ += by;
        core_.tick(now_);
    }

    Clock::time_point now_{seconds(1000)};
    Core core_;
    int opens_ = 0;
    bool refuse_auth_ = false;
    std::string shared_secret_;  // raw bytes, sent base64 as the authorization's shared_secret
    int authorizations_ = 0;
    bool tls_ = false;
    int user_authentications_ = 0;
    std::vector<std::pair<Event, UserScope>> user_events_;
    std::vector<std::string> sent_;
    std::vector<std::uint16_t> drops_;
    std::vector<State> states_;
    std::vector<Event> events_;
};

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

// A REST event on an encrypted channel: the sealed payload travels as a JSON string (§7.8).
std::string sealed_event(std::string_view channel, std::string_view key,
                         std::string_view plaintext) {
    return pusher::channel_event("news", channel,
                                 pusher::EventData::string(pusher::seal_payload(key, plaintext)));
}

TEST_F(CoreTest, EncryptedChannelsOpenTheirEventsWithTheSharedSecret) {
    const std::string key(32, 'k');
    shared_secret_ = key;
    core_.connect(now_);
    establish();
    ASSERT_TRUE(core_.subscribe("private-encrypted-a"));
    ASSERT_EQ(sent_.size(), 1U);
    EXPECT_EQ(sent_[0].find("shared_secret"), std::string::npos);  // never sent to the server
    receive(pusher::subscription_succeeded("private-encrypted-a"));
    receive(sealed_event("private-encrypted-a", key, R"({"x":1})"));
    ASSERT_EQ(events_.back().event, "news");
    EXPECT_EQ(events_.back().data, R"({"x":1})");
    receive(sealed_event("private-encrypted-a", key, R"("a string")"));
    EXPECT_EQ(events_.back().data, "a string");
    EXPECT_EQ(core_.trigger("private-encrypted-a", "client-x", "{}", now_).error(),
              "client events are not supported on encrypted channels");
    EXPECT_EQ(authorizations_, 1);
}

TEST_F(CoreTest, AnEventThatDoesNotDecryptIsReportedAfterOneNewAuthorization) {
    shared_secret_ = std::string(32, 'k');
    core_.connect(now_);
    establish();
    ASSERT_TRUE(core_.subscribe("private-encrypted-a"));
    receive(pusher::subscription_succeeded("private-encrypted-a"));
    events_.clear();
    receive(sealed_event("private-encrypted-a", std::string(32, 'x'), "secret"));
    EXPECT_EQ(authorizations_, 2);  // asked once more for a possibly rotated key
    ASSERT_EQ(events_.size(), 1U);
    EXPECT_EQ(events_[0].event, "pusher:decryption_error");
    EXPECT_EQ(events_[0].channel, "private-encrypted-a");
    EXPECT_NE(events_[0].data.find(R"("event":"news")"), std::string::npos);
    receive(pusher::channel_event("news", "private-encrypted-a",
                                  pusher::EventData::string("not sealed")));
    EXPECT_EQ(events_.back().event, "pusher:decryption_error");
    receive(pusher::cache_miss("private-encrypted-a"));  // pusher:* events pass untouched
    EXPECT_EQ(events_.back().event, "pusher:cache_miss");
}

TEST_F(CoreTest, ARotatedKeyIsFetchedAndTheEventDelivered) {
    shared_secret_ = std::string(32, '1');
    core_.connect(now_);
    establish();
    ASSERT_TRUE(core_.subscribe("private-encrypted-a"));
    receive(pusher::subscription_succeeded("private-encrypted-a"));
    shared_secret_ = std::string(32, '2');
    receive(sealed_event("private-encrypted-a", shared_secret_, "rotated"));
    EXPECT_EQ(authorizations_, 2);
    EXPECT_EQ(events_.back().event, "news");
    EXPECT_EQ(events_.back().data, "rotated");
}

TEST_F(CoreTest, AnEncryptedChannelWithoutASharedSecretIsRefused) {
    core_.connect(now_);
    establish();
    ASSERT_TRUE(core_.subscribe("private-encrypted-a"));
    EXPECT_TRUE(sent_.empty());
    EXPECT_EQ(events_.back().event, "pusher:subscription_error");
    EXPECT_NE(events_.back().data.find("shared_secret"), std::string::npos);
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

TEST_F(CoreTest, CacheMissIsANamedChannelEvent) {
    core_.connect(now_);
    establish();
    ASSERT_TRUE(core_.subscribe("cache-weather"));
    receive(pusher::subscription_succeeded("cache-weather"));
    receive(pusher::cache_miss("cache-weather"));
    EXPECT_EQ(events_.back().event, "pusher:cache_miss");
    EXPECT_EQ(events_.back().channel, "cache-weather");
}

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
