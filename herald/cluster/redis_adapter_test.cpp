// herald/cluster/redis_adapter_test.cpp
//
// RedisAdapter against a real redis-server (started here on a free loopback port): publications
// cross, presence transitions happen once cluster-wide, a dead node is reaped once, a different
// secret is refused, and Redis restarts and pauses are survived.
#include "herald/cluster/redis_adapter.h"

#include <map>
#include <mutex>
#include <tuple>

#include "tests/support/redis_server.h"
#include <gtest/gtest.h>

#include "herald/net/testing.h"

namespace herald::cluster {
namespace {

using namespace std::chrono_literals;
using net::testing::eventually;

// The server side of a node, in memory: its local state, and what the cluster told it.
class FakeNode final : public Node {
public:
    void deliver(const Event& event) override {
        const std::lock_guard lock(mutex_);
        events_.push_back(event.payload + "|" + event.exclude.value_or(""));
    }

    void terminate(std::string_view /*app*/, std::string_view user) override {
        const std::lock_guard lock(mutex_);
        terminated_.emplace_back(user);
    }

    void member_changed(std::string_view /*app*/, std::string_view /*channel*/,
                        const pusher::Member& member, bool added, std::string_view /*exclude*/,
                        bool /*decided_here*/) override {
        const std::lock_guard lock(mutex_);
        member_events_.push_back((added ? "+" : "-") + member.user_id);
    }

    void subscriptions_changed(std::string_view /*app*/, std::string_view /*channel*/) override {}

    void occupancy_changed(std::string_view /*app*/, std::string_view channel,
                           bool occupied) override {
        const std::lock_guard lock(mutex_);
        occupancy_.push_back((occupied ? "+" : "-") + std::string(channel));
    }

    std::uint64_t local_subscriptions(std::string_view app, std::string_view channel) override {
        const std::lock_guard lock(mutex_);
        const auto it = counts_.find({std::string(app), std::string(channel)});
        return it == counts_.end() ? 0 : it->second;
    }

    std::optional<std::string> local_member(std::string_view app, std::string_view channel,
                                            std::string_view user) override {
        const std::lock_guard lock(mutex_);
        const auto it = members_.find({std::string(app), std::string(channel), std::string(user)});
        return it == members_.end() ? std::nullopt : std::optional(it->second);
    }

    std::vector<LocalChannel> local_channels() override {
        const std::lock_guard lock(mutex_);
        std::map<std::pair<std::string, std::string>, LocalChannel> out;
        for (const auto& [key, n] : counts_) {
            out[key] = LocalChannel{key.first, key.second, n, {}};
        }
        for (const auto& [key, info] : members_) {
            auto& c = out[{std::get<0>(key), std::get<1>(key)}];
            c.app_id = std::get<0>(key);
            c.channel = std::get<1>(key);
            c.members.push_back(pusher::Member{std::get<2>(key), info});
        }
        std::vector<LocalChannel> list;
        for (auto& [key, c] : out) {
            list.push_back(std::move(c));
        }
        return list;
    }

    // A connection of `user` joins (info set) or the user's last one leaves (nullopt).
    void set(Adapter& adapter, const std::string& channel, std::uint64_t count,
             const std::optional<std::string>& user = std::nullopt,
             const std::optional<std::string>& info = std::nullopt) {
        {
            const std::lock_guard lock(mutex_);
            counts_[{"app", channel}] = count;
            if (user && info) {
                members_[{"app", channel, *user}] = *info;
            } else if (user) {
                members_.erase({"app", channel, *user});
            }
        }
        adapter.touch("app", channel);
        if (user) {
            adapter.touch("app", channel, *user, "9.9");
        }
    }

    std::vector<std::string> events() { return copy(events_); }

    std::vector<std::string> member_events() { return copy(member_events_); }

    std::vector<std::string> occupancy() { return copy(occupancy_); }

    std::vector<std::string> terminated() { return copy(terminated_); }

private:
    std::vector<std::string> copy(const std::vector<std::string>& v) {
        const std::lock_guard lock(mutex_);
        return v;
    }

    std::mutex mutex_;
    std::map<std::pair<std::string, std::string>, std::uint64_t> counts_;
    std::map<std::tuple<std::string, std::string, std::string>, std::string> members_;
    std::vector<std::string> events_;
    std::vector<std::string> member_events_;
    std::vector<std::string> occupancy_;
    std::vector<std::string> terminated_;
};

class RedisCluster : public ::testing::Test {
protected:
    void SetUp() override {
        if (!support::RedisServer::available()) {
            GTEST_SKIP() << "redis-server is not installed (scripts/install-deps.sh)";
        }
        redis_ = std::make_unique<support::RedisServer>();
        ASSERT_TRUE(redis_->running());
    }

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
    std::this_thread::sleep_for(100ms);
    EXPECT_TRUE(a.node.events().empty());  // the origin delivered locally already
    EXPECT_EQ(c.node.events().size(), 1U);
    b.adapter->terminate_user("app", "u7");
    EXPECT_TRUE(eventually([&] { return a.node.terminated() == std::vector<std::string>{"u7"}; }));
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
    std::this_thread::sleep_for(200ms);
    EXPECT_EQ(a.node.member_events(), (std::vector<std::string>{"+u1", "-u1"}));
    EXPECT_EQ(b.node.member_events(), (std::vector<std::string>{"+u1", "-u1"}));
    // Occupied/vacated fire once, on the node whose change caused them.
    const auto occupancy = a.node.occupancy().size() + b.node.occupancy().size();
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
    std::this_thread::sleep_for(300ms);
    for (auto* n : {&a, &b}) {
        auto events = n->node.member_events();
        std::sort(events.begin(), events.end());
        EXPECT_EQ(events, (std::vector<std::string>{"+u1", "+u2", "-u1", "-u2"}));
        EXPECT_EQ(n->adapter->view().subscriptions("app", "presence-r"), 0U);
        EXPECT_TRUE(n->adapter->view().members("app", "presence-r").empty());
    }
    // Vacated once: by the one survivor that reaped.
    const auto vacated = a.node.occupancy().size() + b.node.occupancy().size();
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

TEST_F(RedisCluster, UnreachableRedisIsRefusedAtStart) {
    RedisOptions options;
    options.endpoint = *parse_redis_url(redis_->url());
    redis_->kill_now();
    RedisAdapter adapter(std::move(options));
    FakeNode node;
    EXPECT_THROW(adapter.start(node), std::runtime_error);
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
