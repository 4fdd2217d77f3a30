// herald/cluster/broker_test.cpp
//
// The broker alone, without Redis: what it publishes (and when it does not), and where each kind
// of arriving message goes.
#include "herald/cluster/broker.h"

#include <gtest/gtest.h>

#include "herald/cluster/testing.h"

namespace herald::cluster {
namespace {

using testing::FakeLink;
using testing::FakeNode;

struct BrokerTest : ::testing::Test {
    BrokerTest() {
        broker.attach(node);
        link.set_up(true);
    }

    FakeLink link{"p:", "me"};
    FakeNode node;
    std::vector<PresenceMessage> presence;
    Broker broker{"me", "p:", link, [this](const PresenceMessage& m) {
                      presence.push_back(m);
                  }};
};

TEST_F(BrokerTest, SubscribesToTheControlChannelAndOnePerApp) {
    EXPECT_EQ(Broker::channels("p:", {"1", "two"}),
              (std::vector<std::string>{"p:ctl", "p:a:1", "p:a:two"}));
}

TEST_F(BrokerTest, PublishesToTheAppsChannelWhileInTheCluster) {
    broker.publish(Event{"app", "cache-x", "{}", "1.2", "ev", "da"});
    broker.terminate_user("app", "u1");
    ASSERT_EQ(link.sent().size(), 2U);
    const auto& first = link.sent()[0];
    ASSERT_EQ(first.size(), 3U);
    EXPECT_EQ(first[0], "PUBLISH");
    EXPECT_EQ(first[1], "p:a:app");
    EXPECT_EQ(decode(first[2]), std::optional<WireMessage>(EventMessage{"me", "app", "cache-x",
                                                                        "1.2", "ev", "da", "{}"}));
    EXPECT_EQ(decode(link.sent()[1][2]),
              std::optional<WireMessage>(TerminateMessage{"me", "app", "u1"}));
}

TEST_F(BrokerTest, PublishesNothingWhileRedisIsAway) {
    link.set_up(false);
    broker.publish(Event{"app", "c", "{}", std::nullopt, std::nullopt, std::nullopt});
    broker.terminate_user("app", "u1");
    EXPECT_TRUE(link.sent().empty());  // local delivery happened; nothing is replayed later
}

TEST_F(BrokerTest, DeliversOtherNodesPublicationsOnly) {
    broker.receive("p:a:app", encode(EventMessage{"other", "app", "c", "1.2", "", "", "one"}));
    broker.receive("p:a:app", encode(EventMessage{"me", "app", "c", "", "", "", "mine"}));
    broker.receive("p:a:app", encode(TerminateMessage{"other", "app", "u1"}));
    broker.receive("p:a:app", encode(TerminateMessage{"me", "app", "u2"}));
    EXPECT_EQ(node.events(), std::vector<std::string>{"one|1.2"});
    EXPECT_EQ(node.terminated(), std::vector<std::string>{"u1"});
    EXPECT_TRUE(presence.empty());
}

TEST_F(BrokerTest, HandsTheScriptsMessagesToThePresenceStore) {
    const CountMessage count{"o", "o", 1, "app", "c", 2, Transition::Added};
    const GoneMessage gone{"o", "me"};
    broker.receive("p:a:app", encode(count));
    broker.receive("p:ctl", encode(gone));
    ASSERT_EQ(presence.size(), 2U);
    EXPECT_EQ(std::get<CountMessage>(presence[0]), count);
    EXPECT_EQ(std::get<GoneMessage>(presence[1]), gone);
    EXPECT_TRUE(node.events().empty());
}

TEST_F(BrokerTest, IgnoresWhatDoesNotDecode) {
    broker.receive("p:a:app", "H1E3:abc");
    broker.receive("p:a:app", "hello");
    EXPECT_TRUE(node.events().empty());
    EXPECT_TRUE(presence.empty());
}

}  // namespace
}  // namespace herald::cluster
