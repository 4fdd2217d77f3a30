// herald/cluster/redis_adapter_test.cpp
//
// RedisAdapter against a real redis-server (started here on a free loopback port): publications
// cross, presence transitions happen once cluster-wide, a dead node is reaped once, a different
// secret is refused, and Redis restarts and pauses are survived.
#include "herald/cluster/redis_adapter.h"

#include <map>
#include <mutex>
#include <thread>
#include <tuple>

#include <gtest/gtest.h>

#include "herald/cluster/redis_link.h"
#include "herald/cluster/testing.h"
#include "herald/net/testing.h"

namespace herald::cluster {
namespace {

using namespace std::chrono_literals;
using net::testing::eventually;
using testing::FakeNode;

// How many of `events` ("+channel" / "-channel") are about `channel`.
std::size_t on_channel(const std::vector<std::string>& events, std::string_view channel) {
    return static_cast<std::size_t>(std::count_if(
            events.begin(), events.end(), [&](const auto& e) { return e.substr(1) == channel; }));
}

class RedisCluster : public ::testing::Test {
protected:
    void SetUp() override { ASSERT_NO_FATAL_FAILURE(testing::require_redis(redis_)); }

    struct Member {
        FakeNode node;
        std::unique_ptr<RedisAdapter> adapter;
    };

    Member& add_node(std::string name, std::string secret = "secret",
                     std::chrono::milliseconds lease = 800ms) {
        auto& m = *nodes_.emplace_back(std::make_unique<Member>());
        RedisOptions options;
        options.endpoint = *parse_redis_url(redis_->url());
        options.apps = {AppCredentials{"app", "key", std::move(secret)}};
        options.lease = lease;
        options.node_id = std::move(name);
        m.adapter = std::make_unique<RedisAdapter>(std::move(options));
        m.adapter->start(m.node);
        EXPECT_TRUE(eventually([&] { return m.adapter->clustered(); }));
        return m;
    }

    std::unique_ptr<support::RedisServer> redis_;
    std::vector<std::unique_ptr<Member>> nodes_;
};

TEST_F(RedisCluster, PublicationsReachTheOtherNodesOnceWithTheExclusion) {
    auto& a = add_node("a");
    auto& b = add_node("b");
    auto& c = add_node("c");
    a.adapter->publish(Event{"app", "private-x", "payload", "1.2", std::nullopt, std::nullopt});
    EXPECT_TRUE(
            eventually([&] { return b.node.events().size() == 1 && c.node.events().size() == 1; }));
    EXPECT_EQ(b.node.events(), std::vector<std::string>{"payload|1.2"});
    // Barrier: Redis relays in order, so whatever a's publication caused on a and c arrives
    // before b's sentinel does.
    b.adapter->publish(Event{"app", "x", "sentinel", std::nullopt, std::nullopt, std::nullopt});
    EXPECT_TRUE(
            eventually([&] { return !a.node.events().empty() && c.node.events().size() == 2; }));
    // The origin delivered locally already: it gets only the sentinel.
    EXPECT_EQ(a.node.events(), std::vector<std::string>{"sentinel|"});
    EXPECT_EQ(c.node.events(), (std::vector<std::string>{"payload|1.2", "sentinel|"}));
    b.adapter->terminate_user("app", "u7");
    EXPECT_TRUE(eventually([&] { return a.node.terminated() == std::vector<std::string>{"u7"}; }));
    EXPECT_TRUE(eventually([&] { return c.node.terminated().size() == 1; }));
    // Counted for the metrics: a sent 1 and got b's 2; b sent 2 and got a's 1; c got all 3.
    EXPECT_EQ(a.adapter->traffic().out, 1U);
    EXPECT_EQ(a.adapter->traffic().in, 2U);
    EXPECT_EQ(b.adapter->traffic().out, 2U);
    EXPECT_EQ(b.adapter->traffic().in, 1U);
    EXPECT_EQ(c.adapter->traffic().out, 0U);
    EXPECT_EQ(c.adapter->traffic().in, 3U);
}

TEST_F(RedisCluster, OneUserOnTwoNodesIsAddedAndRemovedOnce) {
    auto& a = add_node("a");
    auto& b = add_node("b");
    a.node.set(*a.adapter, "presence-r", 1, "u1", R"({"name":"x"})");
    EXPECT_TRUE(eventually([&] { return b.node.member_events().size() == 1; }));
    EXPECT_TRUE(
            eventually([&] { return b.adapter->view().members("app", "presence-r").size() == 1; }));
    EXPECT_EQ(b.adapter->view().members("app", "presence-r")[0].user_info, R"({"name":"x"})");
    EXPECT_EQ(b.adapter->view().subscriptions("app", "presence-r"), 1U);
    b.node.set(*b.adapter, "presence-r", 1, "u1", R"({"name":"x"})");
    // Redis holds b's membership before a's goes (two nodes' changes have no order otherwise).
    EXPECT_TRUE(
            eventually([&] { return a.adapter->view().members("app", "presence-r").size() == 1; }));
    a.node.set(*a.adapter, "presence-r", 0, "u1");
    EXPECT_TRUE(eventually([&] { return b.adapter->view().members("app", "presence-r").empty(); }));
    b.node.set(*b.adapter, "presence-r", 0, "u1");
    EXPECT_TRUE(eventually([&] { return a.node.member_events().size() == 2; }));
    // Barrier: a member on another channel, written after every change above; its member_added
    // reaches each node after anything those changes published.
    b.node.set(*b.adapter, "presence-sentinel", 1, "s", "{}");
    EXPECT_TRUE(eventually([&] {
        return a.node.member_events().size() == 3 && b.node.member_events().size() == 3;
    }));
    EXPECT_EQ(a.node.member_events(), (std::vector<std::string>{"+u1", "-u1", "+s"}));
    EXPECT_EQ(b.node.member_events(), (std::vector<std::string>{"+u1", "-u1", "+s"}));
    // Occupied/vacated fire once, on the node whose change caused them.
    const auto occupancy = on_channel(a.node.occupancy(), "presence-r") +
                           on_channel(b.node.occupancy(), "presence-r");
    EXPECT_EQ(occupancy, 2U);
}

TEST_F(RedisCluster, ADeadNodesMembersAreRemovedOnceBySurvivors) {
    auto& a = add_node("a");
    auto& b = add_node("b");
    auto& dead = add_node("dead");
    dead.node.set(*dead.adapter, "presence-r", 2, "u1", "{}");
    dead.node.set(*dead.adapter, "presence-r", 2, "u2", "{}");
    EXPECT_TRUE(
            eventually([&] { return a.adapter->view().subscriptions("app", "presence-r") == 2; }));
    dead.adapter->abandon();  // no goodbye: as kill -9
    const auto start = std::chrono::steady_clock::now();
    EXPECT_TRUE(eventually([&] { return a.node.member_events().size() == 4; }, 5s));
    EXPECT_LT(std::chrono::steady_clock::now() - start, 800ms * 2 + 500ms);
    // Barrier: the reap published everything at once, before the dead node left the lease set
    // (so no second reap can follow); a member written now arrives after all of it.
    b.node.set(*b.adapter, "presence-sentinel", 1, "s", "{}");
    const auto has_sentinel = [](FakeNode& node) {
        const auto events = node.member_events();
        return std::find(events.begin(), events.end(), "+s") != events.end();
    };
    EXPECT_TRUE(eventually([&] { return has_sentinel(a.node) && has_sentinel(b.node); }));
    for (auto* n : {&a, &b}) {
        auto events = n->node.member_events();
        std::sort(events.begin(), events.end());
        EXPECT_EQ(events, (std::vector<std::string>{"+s", "+u1", "+u2", "-u1", "-u2"}));
        EXPECT_EQ(n->adapter->view().subscriptions("app", "presence-r"), 0U);
        EXPECT_TRUE(n->adapter->view().members("app", "presence-r").empty());
    }
    // Vacated once: by the one survivor that reaped.
    const auto vacated = on_channel(a.node.occupancy(), "presence-r") +
                         on_channel(b.node.occupancy(), "presence-r");
    EXPECT_EQ(vacated, 1U);
}

TEST_F(RedisCluster, AGracefulStopWithdrawsAtOnce) {
    auto& a = add_node("a", "secret", 60s);
    auto& b = add_node("b", "secret", 60s);
    b.node.set(*b.adapter, "private-q", 3);
    EXPECT_TRUE(
            eventually([&] { return a.adapter->view().subscriptions("app", "private-q") == 3; }));
    b.adapter->stop();
    EXPECT_TRUE(eventually([&] { return a.adapter->view().subscriptions("app", "private-q") == 0; },
                           2s));
}

TEST_F(RedisCluster, ADifferentSecretIsRefusedAtStart) {
    add_node("a", "secret");
    RedisOptions options;
    options.endpoint = *parse_redis_url(redis_->url());
    options.apps = {AppCredentials{"app", "key", "another"}};
    RedisAdapter other(std::move(options));
    FakeNode node;
    try {
        other.start(node);
        FAIL() << "started with a different secret";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("key or secret differs"), std::string::npos)
                << e.what();
    }
}

// A node started while Redis is away serves alone, then joins with its state when Redis answers.
TEST_F(RedisCluster, ANodeStartedWithoutRedisJoinsWhenRedisAnswers) {
    redis_->kill_now();
    RedisOptions options;
    options.endpoint = *parse_redis_url(redis_->url());
    options.apps = {AppCredentials{"app", "key", "secret"}};
    options.lease = 800ms;
    options.node_id = "late";
    FakeNode node;  // outlives the adapter, which calls it until it stops
    RedisAdapter late(std::move(options));
    ASSERT_NO_THROW(late.start(node));
    node.set(late, "private-late", 2);
    std::this_thread::sleep_for(500ms);  // a few refused attempts
    EXPECT_FALSE(late.clustered());
    EXPECT_FALSE(late.refusal().has_value());
    redis_->start();
    EXPECT_TRUE(eventually([&] { return late.clustered(); }, 8s));
    auto& b = add_node("b");
    EXPECT_TRUE(eventually(
            [&] { return b.adapter->view().subscriptions("app", "private-late") == 2; }));
    EXPECT_TRUE(eventually([&] { return late.nodes() == 2 && b.adapter->nodes() == 2; }, 3s));
}

// The credentials are checked when Redis first answers, not only at start: a mismatch keeps the
// node out, with the message of a refused start, until the key it names is deleted.
TEST_F(RedisCluster, ADifferentSecretFoundAfterALateStartKeepsTheNodeOutUntilFixed) {
    redis_->kill_now();
    RedisOptions options;
    options.endpoint = *parse_redis_url(redis_->url());
    options.apps = {AppCredentials{"app", "key", "another"}};
    FakeNode node;  // outlives the adapter, which calls it until it stops
    RedisAdapter other(std::move(options));
    ASSERT_NO_THROW(other.start(node));
    std::this_thread::sleep_for(1500ms);  // its back-off is near its 2 s maximum by now
    redis_->start();
    const auto endpoint = *parse_redis_url(redis_->url());
    run_blocking(endpoint, {{"SET", "herald:app:app", "another node's fingerprint"}}, 1s);
    EXPECT_TRUE(eventually([&] { return other.refusal().has_value(); }, 5s));
    EXPECT_FALSE(other.clustered());
    EXPECT_NE(other.refusal().value_or("").find("key or secret differs"), std::string::npos);
    EXPECT_NE(other.refusal().value_or("").find("delete the key herald:app:app"),
              std::string::npos);
    std::this_thread::sleep_for(2500ms);  // at least one more check, still refused
    EXPECT_FALSE(other.clustered());
    run_blocking(endpoint, {{"DEL", "herald:app:app"}}, 1s);
    EXPECT_TRUE(eventually([&] { return other.clustered(); }, 6s));
    EXPECT_FALSE(other.refusal().has_value());
}

TEST_F(RedisCluster, ARestartedRedisGetsEveryNodesStateBack) {
    auto& a = add_node("a");
    auto& b = add_node("b");
    a.node.set(*a.adapter, "presence-r", 1, "u1", "{}");
    EXPECT_TRUE(
            eventually([&] { return b.adapter->view().subscriptions("app", "presence-r") == 1; }));
    redis_->restart();  // empty
    EXPECT_TRUE(eventually([&] { return !b.adapter->clustered(); }, 3s));
    EXPECT_TRUE(eventually([&] { return a.adapter->clustered() && b.adapter->clustered(); }, 8s));
    EXPECT_TRUE(
            eventually([&] { return b.adapter->view().members("app", "presence-r").size() == 1; }));
    a.adapter->publish(Event{"app", "c", "after", std::nullopt, std::nullopt, std::nullopt});
    EXPECT_TRUE(eventually([&] { return !b.node.events().empty(); }));
}

TEST_F(RedisCluster, KeepsRetryingWhileRedisRefusesConnections) {
    auto& a = add_node("a");
    auto& b = add_node("b");
    a.node.set(*a.adapter, "private-k", 1);
    redis_->kill_now();
    std::this_thread::sleep_for(1500ms);  // several refused attempts (hiredis' connect callback)
    EXPECT_FALSE(a.adapter->clustered());
    redis_->start();
    EXPECT_TRUE(eventually([&] { return a.adapter->clustered() && b.adapter->clustered(); }, 8s));
    EXPECT_TRUE(
            eventually([&] { return b.adapter->view().subscriptions("app", "private-k") == 1; }));
}

TEST_F(RedisCluster, APausedRedisIsDetectedAndRejoined) {
    auto& a = add_node("a");
    auto& b = add_node("b");
    b.node.set(*b.adapter, "private-p", 2);
    redis_->pause();
    EXPECT_TRUE(eventually([&] { return !a.adapter->clustered() && !b.adapter->clustered(); }, 3s));
    // Still accepted while Redis is away, and nothing blocks.
    a.adapter->publish(Event{"app", "c", "lost", std::nullopt, std::nullopt, std::nullopt});
    EXPECT_EQ(a.adapter->view().subscriptions("app", "private-p"), 0U);
    std::this_thread::sleep_for(1500ms);  // longer than the lease: leases expire meanwhile
    redis_->resume();
    EXPECT_TRUE(eventually([&] { return a.adapter->clustered() && b.adapter->clustered(); }, 8s));
    EXPECT_TRUE(eventually([&] { return a.adapter->view().subscriptions("app", "private-p") == 2; },
                           5s));
    b.adapter->publish(Event{"app", "c", "after", std::nullopt, std::nullopt, std::nullopt});
    EXPECT_TRUE(eventually([&] { return !a.node.events().empty(); }));
    EXPECT_EQ(a.node.events(), std::vector<std::string>{"after|"});
}

TEST_F(RedisCluster, AnOutageLongerThanTheLeaseCausesNoMemberChurn) {
    auto& a = add_node("a");
    auto& b = add_node("b");
    b.node.set(*b.adapter, "presence-c", 1, "u1", "{}");
    EXPECT_TRUE(eventually([&] { return a.node.member_events().size() == 1; }));
    std::this_thread::sleep_for(1s);  // both up for longer than the lease: they reap normally
    redis_->pause();
    EXPECT_TRUE(eventually([&] { return !a.adapter->clustered() && !b.adapter->clustered(); }, 3s));
    std::this_thread::sleep_for(1500ms);  // every lease lapses
    redis_->resume();
    EXPECT_TRUE(eventually([&] { return a.adapter->clustered() && b.adapter->clustered(); }, 8s));
    std::this_thread::sleep_for(2s);  // beyond the reconnection grace: a reap would show by now
    EXPECT_EQ(a.node.member_events(), std::vector<std::string>{"+u1"});
    EXPECT_EQ(b.node.member_events(), std::vector<std::string>{"+u1"});
    EXPECT_EQ(a.adapter->view().members("app", "presence-c").size(), 1U);
}

TEST_F(RedisCluster, MembersThatLeftDuringAnOutageAreRemovedFromRostersAfter) {
    auto& a = add_node("a");
    auto& b = add_node("b");
    b.node.set(*b.adapter, "presence-o", 1, "u1", "{}");
    EXPECT_TRUE(
            eventually([&] { return a.node.member_events() == std::vector<std::string>{"+u1"}; }));
    redis_->pause();
    EXPECT_TRUE(eventually([&] { return !a.adapter->clustered() && !b.adapter->clustered(); }, 3s));
    b.node.set(*b.adapter, "presence-o", 0, "u1");  // the transition cannot reach a now
    redis_->resume();
    EXPECT_TRUE(eventually([&] { return a.adapter->clustered() && b.adapter->clustered(); }, 8s));
    EXPECT_TRUE(eventually([&] {
        const auto events = a.node.member_events();
        return std::find(events.begin(), events.end(), "-u1") != events.end();
    }));
    EXPECT_TRUE(a.adapter->view().members("app", "presence-o").empty());
}

}  // namespace
}  // namespace herald::cluster
