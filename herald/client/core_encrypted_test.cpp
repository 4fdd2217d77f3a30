// The Core's encrypted channels (core_encrypted.cpp, protocol.md §7.8) on the test's clock.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "herald/client/core.h"
#include "herald/client/core_fixture.h"
#include "herald/pusher/auth.h"
#include "herald/pusher/secretbox.h"
#include "herald/pusher/server_message.h"

namespace herald::client {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using testing::CoreTest;

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

}  // namespace
}  // namespace herald::client
