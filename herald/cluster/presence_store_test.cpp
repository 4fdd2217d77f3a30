// herald/cluster/presence_store_test.cpp
//
// The presence store alone: registration, snapshots, flushing and lease checks against a real
// redis-server (through a FakeLink that runs each call as EVAL), and the parts that need no Redis
// (snapshot parsing, buffering, reconciliation, transitions) with replies given by hand.
#include "herald/cluster/presence_store.h"

#include <gtest/gtest.h>

#include "herald/cluster/testing.h"

namespace herald::cluster {
namespace {

using testing::array_reply;
using testing::FakeLink;
using testing::FakeNode;
using testing::integer_reply;
using testing::text_reply;
using namespace std::chrono_literals;

const std::string kC =
        "c\x1f"
        "app\x1f";  // a count field's start
const std::string kM =
        "m\x1f"
        "app\x1f";  // a member field's start

// One node: its server side, its link and its store.
struct Peer {
    Peer(const std::string& id, std::optional<RedisEndpoint> redis)
        : link("t:", id, std::move(redis)), store(id, 10s, link) {
        store.attach(node);
    }

    FakeNode node;
    FakeLink link;
    PresenceStore store;
};

class PresenceStoreRedis : public ::testing::Test {
protected:
    void SetUp() override { ASSERT_NO_FATAL_FAILURE(testing::require_redis(redis_)); }

    Peer& peer(const std::string& id) {
        return *peers_.emplace_back(std::make_unique<Peer>(id, *parse_redis_url(redis_->url())));
    }

    std::vector<RedisValue> redis(const std::vector<std::vector<std::string>>& commands) {
        return run_blocking(*parse_redis_url(redis_->url()), commands, 2s);
    }

    std::unique_ptr<support::RedisServer> redis_;
    std::vector<std::unique_ptr<Peer>> peers_;
};

TEST_F(PresenceStoreRedis, RegistersItsStateAndReadsTheOthersBack) {
    auto& a = peer("a");
    a.node.set("presence-r", 2, "u1", R"({"n":1})");
    a.store.sync();
    a.link.run();
    EXPECT_EQ(a.link.syncs, 1);
    EXPECT_EQ(a.store.view().subscriptions("app", "presence-r"), 0U);  // its own is not "other"
    auto& b = peer("b");
    b.store.sync();
    b.link.run();
    EXPECT_EQ(b.link.syncs, 1);
    EXPECT_EQ(b.store.view().subscriptions("app", "presence-r"), 2U);
    ASSERT_EQ(b.store.view().members("app", "presence-r").size(), 1U);
    EXPECT_EQ(b.store.view().members("app", "presence-r")[0].user_info, R"({"n":1})");
}

TEST_F(PresenceStoreRedis, FlushesEachDirtyKeyOnceWithTheLatestValue) {
    auto& a = peer("a");
    a.store.sync();
    a.link.run();
    a.node.set("private-x", 1);
    a.store.touch("app", "private-x", std::nullopt, "");
    a.node.set("private-x", 3);
    a.store.touch("app", "private-x", std::nullopt, "");
    a.node.set("presence-y", 1, "u1", "{}");
    a.store.touch("app", "presence-y", "u1", "1.1");
    a.link.run();
    EXPECT_EQ(a.link.sent_scripts("count"), 1U);
    EXPECT_EQ(a.link.sent_scripts("member"), 1U);
    EXPECT_EQ(redis({{"HGET", "t:n:a", kC + "private-x"}})[0].text, "3");
    EXPECT_EQ(redis({{"HGET", "t:n:a", kM + "presence-y\x1fu1"}})[0].text, "{}");
}

TEST_F(PresenceStoreRedis, AsksForANewRegistrationWhenItsLeaseIsGone) {
    auto& a = peer("a");
    a.store.sync();
    a.link.run();
    redis({{"ZREM", "t:nodes", "a"}});
    a.node.set("private-x", 1);
    a.store.touch("app", "private-x", std::nullopt, "");
    a.link.run();
    EXPECT_EQ(a.link.resyncs, 1);
}

TEST_F(PresenceStoreRedis, WithdrawingRemovesEverythingThisNodeHeld) {
    auto& a = peer("a");
    a.node.set("presence-r", 1, "u1", "{}");
    a.store.sync();
    a.link.run();
    bool done = false;
    a.store.withdraw([&] { done = true; });
    a.link.run();
    EXPECT_TRUE(done);
    EXPECT_EQ(redis({{"EXISTS", "t:n:a"}})[0].integer, 0);
    auto& b = peer("b");
    b.store.sync();
    b.link.run();
    EXPECT_EQ(b.store.view().subscriptions("app", "presence-r"), 0U);
}

// ---- without Redis ----

struct PresenceStoreAlone : ::testing::Test {
    // Answers the registration, leaving the snapshot call waiting.
    void register_until_snapshot() {
        me.store.sync();
        ASSERT_EQ(me.link.next(), "sync");
        me.link.answer(integer_reply(1));
        ASSERT_EQ(me.link.next(), "snap");
    }

    Peer me{"me", std::nullopt};
};

TEST_F(PresenceStoreAlone, ACountThatDoesNotParseIsLeftOutNotMisread) {
    ASSERT_NO_FATAL_FAILURE(register_until_snapshot());
    me.link.answer(
            array_reply({text_reply("7"), text_reply("other"),
                         array_reply({text_reply(kC + "big"), text_reply("99999999999999999999999"),
                                      text_reply(kC + "junk"), text_reply("4x"),
                                      text_reply(kC + "good"), text_reply("4")})}));
    EXPECT_EQ(me.link.syncs, 1);
    EXPECT_EQ(me.store.view().subscriptions("app", "big"), 0U);
    EXPECT_EQ(me.store.view().subscriptions("app", "junk"), 0U);
    EXPECT_EQ(me.store.view().subscriptions("app", "good"), 4U);
}

TEST_F(PresenceStoreAlone, ASnapshotWithoutASequenceNumberIsAProtocolError) {
    for (const auto& bad :
         {array_reply({text_reply("seven")}), array_reply({}), integer_reply(1)}) {
        ASSERT_NO_FATAL_FAILURE(register_until_snapshot());
        me.link.answer(bad);
        EXPECT_EQ(me.link.syncs, 0);
    }
    EXPECT_EQ(me.link.failures.size(), 3U);
}

TEST_F(PresenceStoreAlone, MessagesCrossingTheSnapshotCountOnlyWhenNewer) {
    ASSERT_NO_FATAL_FAILURE(register_until_snapshot());
    me.store.receive(CountMessage{"b", "b", 5, "app", "newer", 7, Transition::None});
    me.store.receive(CountMessage{"b", "b", 3, "app", "older", 9, Transition::None});
    me.link.answer(array_reply({text_reply("4")}));
    EXPECT_EQ(me.store.view().subscriptions("app", "newer"), 7U);
    EXPECT_EQ(me.store.view().subscriptions("app", "older"), 0U);
}

TEST_F(PresenceStoreAlone, TransitionsAreToldWhereTheScriptSaysTheyWereDecided) {
    me.link.set_up(true);
    me.store.receive(CountMessage{"me", "me", 1, "app", "mine", 1, Transition::Added});
    me.store.receive(CountMessage{"b", "b", 2, "app", "theirs", 1, Transition::Added});
    EXPECT_EQ(me.node.occupancy(), std::vector<std::string>{"+mine"});
    EXPECT_EQ(me.store.view().subscriptions("app", "theirs"), 1U);
    me.store.receive(MemberMessage{"b", "b", 3, "app", "presence-r", "u1", true, "{}",
                                   Transition::Added, ""});
    me.store.receive(MemberMessage{"me", "me", 4, "app", "presence-r", "u2", true, "{}",
                                   Transition::Added, ""});
    EXPECT_EQ(me.node.member_events(), (std::vector<std::string>{"+u1", "+u2"}));
    EXPECT_EQ(me.node.decided(), std::vector<std::string>{"+u2"});
}

TEST_F(PresenceStoreAlone, MembersThatLeftDuringAnOutageAreAnnouncedAfter) {
    me.link.set_up(true);
    me.store.receive(MemberMessage{"b", "b", 1, "app", "presence-r", "u1", true, "{}",
                                   Transition::Added, ""});
    me.store.lost(true);
    EXPECT_TRUE(me.store.view().members("app", "presence-r").empty());
    ASSERT_NO_FATAL_FAILURE(register_until_snapshot());
    me.link.answer(
            array_reply({text_reply("9"), text_reply("c"),
                         array_reply({text_reply(kM + "presence-r\x1fu2"), text_reply("{}")})}));
    EXPECT_EQ(me.node.member_events(), (std::vector<std::string>{"+u1", "-u1", "+u2"}));
}

TEST_F(PresenceStoreAlone, AMemberToldDuringTheReconnectionIsNotAnnouncedAgain) {
    me.link.set_up(true);
    me.store.receive(MemberMessage{"b", "b", 1, "app", "presence-r", "u1", true, "{}",
                                   Transition::Added, ""});
    me.store.lost(true);
    EXPECT_TRUE(me.store.member_elsewhere("app", "presence-r", "u1"));
    EXPECT_FALSE(me.store.member_elsewhere("app", "presence-r", "u2"));
    ASSERT_NO_FATAL_FAILURE(register_until_snapshot());
    // u2 joins on c while the snapshot is read: told at once, and not again by the reconciliation.
    me.store.receive(MemberMessage{"c", "c", 10, "app", "presence-r", "u2", true, "{}",
                                   Transition::Added, ""});
    me.link.answer(array_reply(
            {text_reply("9"), text_reply("b"),
             array_reply({text_reply(kM + "presence-r\x1fu1"), text_reply("{}")}), text_reply("c"),
             array_reply({text_reply(kM + "presence-r\x1fu2"), text_reply("{}")})}));
    EXPECT_EQ(me.node.member_events(), (std::vector<std::string>{"+u1", "+u2"}));
    EXPECT_TRUE(me.node.already_told().empty());
    EXPECT_FALSE(me.store.member_elsewhere("app", "presence-r", "u1"));  // in the cluster again
}

TEST_F(PresenceStoreAlone, AChangeTheNodeToldItselfIsNotToldAgainWhenTheClusterDecidesIt) {
    ASSERT_NO_FATAL_FAILURE(register_until_snapshot());
    me.link.answer(array_reply({text_reply("1")}));
    me.link.set_up(true);
    me.node.set("presence-r", 1, "u1", "{}");
    me.store.touch("app", "presence-r", "u1", "1.1", true);
    me.store.flush();
    EXPECT_EQ(me.link.next(), "member");
    me.store.receive(MemberMessage{"me", "me", 2, "app", "presence-r", "u1", true, "{}",
                                   Transition::Added, "1.1"});
    EXPECT_EQ(me.node.already_told(), std::vector<std::string>{"+u1"});
    EXPECT_EQ(me.node.decided(), std::vector<std::string>{"+u1"});  // its webhook still goes out
}

TEST_F(PresenceStoreAlone, ANodeReapedByAnotherRegistersAgain) {
    me.link.set_up(true);
    me.store.receive(GoneMessage{"me", "other"});
    EXPECT_EQ(me.link.resyncs, 1);
    me.store.receive(GoneMessage{"me", "me"});  // its own goodbye
    EXPECT_EQ(me.link.resyncs, 1);
}

}  // namespace
}  // namespace herald::cluster
