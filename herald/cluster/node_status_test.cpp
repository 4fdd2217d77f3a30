// herald/cluster/node_status_test.cpp
//
// RedisAdapter's list of the cluster's nodes against a real redis-server: each node sees every
// lease with the connections its holder reports, and is told of the nodes that join and leave
// (by a graceful stop or by being reaped) while it is in the cluster.
#include <atomic>
#include <mutex>

#include <gtest/gtest.h>

#include "herald/cluster/redis_adapter.h"
#include "herald/cluster/testing.h"
#include "herald/net/testing.h"

namespace herald::cluster {
namespace {

using namespace std::chrono_literals;
using net::testing::eventually;
using testing::FakeNode;

constexpr std::chrono::milliseconds kLease{200};  // the least cluster_lease_ms allows

class NodeStatuses : public ::testing::Test {
protected:
    void SetUp() override { ASSERT_NO_FATAL_FAILURE(testing::require_redis(redis_)); }

    struct Member {
        std::atomic<std::uint64_t> connections{0};
        std::mutex mutex;
        std::vector<std::string> changes;  // "+id" joined, "-id" left
        FakeNode node;
        std::unique_ptr<RedisAdapter> adapter;  // last: stopped before the rest goes

        std::vector<std::string> seen() {
            const std::lock_guard lock(mutex);
            return changes;
        }

        std::vector<std::string> ids() {
            std::vector<std::string> out;
            for (const auto& n : adapter->node_statuses()) {
                out.push_back(n.id);
            }
            return out;
        }
    };

    Member& add_node(std::string name, std::uint64_t connections) {
        auto& m = *nodes_.emplace_back(std::make_unique<Member>());
        m.connections = connections;
        RedisOptions options;
        options.endpoint = *parse_redis_url(redis_->url());
        options.apps = {AppCredentials{"app", "key", "secret"}};
        options.lease = kLease;
        options.node_id = std::move(name);
        options.connections = [&m] {
            return m.connections.load();
        };
        options.on_node_change = [&m](std::string_view node, bool joined) {
            const std::lock_guard lock(m.mutex);
            m.changes.push_back((joined ? "+" : "-") + std::string(node));
        };
        m.adapter = std::make_unique<RedisAdapter>(std::move(options));
        m.adapter->start(m.node);
        EXPECT_TRUE(eventually([&] { return m.adapter->clustered(); }));
        // Its first read of the lease set, which reports nothing, is done.
        EXPECT_TRUE(eventually([&] { return !m.adapter->node_statuses().empty(); }));
        return m;
    }

    // The field of `node` in the connections hash, or nil.
    RedisValue reported(std::string_view node) {
        return run_blocking(*parse_redis_url(redis_->url()),
                            {{"HGET", "herald:node_connections", std::string(node)}}, 2s)
                .at(0);
    }

    std::unique_ptr<support::RedisServer> redis_;
    std::vector<std::unique_ptr<Member>> nodes_;
};

TEST_F(NodeStatuses, EveryNodeSeesEveryLeaseWithTheConnectionsItsHolderReports) {
    auto& a = add_node("a", 3);
    auto& b = add_node("b", 5);
    const auto counts = [](Member& m) {
        std::vector<std::uint64_t> out;
        for (const auto& n : m.adapter->node_statuses()) {
            out.push_back(n.connections);
        }
        return out;
    };
    for (auto* m : {&a, &b}) {
        EXPECT_TRUE(eventually([&] { return counts(*m) == std::vector<std::uint64_t>{3, 5}; }));
        const auto list = m->adapter->node_statuses();
        ASSERT_EQ(list.size(), 2U);
        EXPECT_EQ(list[0].id, "a");
        EXPECT_EQ(list[1].id, "b");
        EXPECT_EQ(list[0].self, m == &a);
        EXPECT_EQ(list[1].self, m == &b);
        for (const auto& n : list) {
            EXPECT_GE(n.lease_age, 0ms);
            EXPECT_LT(n.lease_age, kLease) << n.id;
        }
        EXPECT_EQ(m->adapter->nodes(), 2U);
    }
    // Read again at every heartbeat.
    a.connections = 4;
    EXPECT_TRUE(eventually([&] { return counts(b) == std::vector<std::uint64_t>{4, 5}; }));
    // The first read after joining is not news: b saw a there already.
    EXPECT_EQ(a.seen(), std::vector<std::string>{"+b"});
    EXPECT_TRUE(b.seen().empty());
}

TEST_F(NodeStatuses, NodesThatLeaveAndJoinAreAnnounced) {
    auto& a = add_node("a", 1);
    auto& b = add_node("b", 2);
    EXPECT_TRUE(eventually([&] { return a.seen() == std::vector<std::string>{"+b"}; }));
    EXPECT_TRUE(eventually([&] { return reported("b").text == "2"; }));
    b.adapter->stop();
    EXPECT_TRUE(eventually([&] { return a.seen() == std::vector<std::string>{"+b", "-b"}; }));
    EXPECT_EQ(a.ids(), std::vector<std::string>{"a"});
    EXPECT_EQ(a.adapter->nodes(), 1U);
    EXPECT_EQ(reported("b").type, RedisValue::Type::Nil) << "withdrawn with the lease";
    add_node("c", 0);
    EXPECT_TRUE(eventually([&] { return a.seen() == std::vector<std::string>{"+b", "-b", "+c"}; }));
    EXPECT_EQ(a.ids(), (std::vector<std::string>{"a", "c"}));
}

TEST_F(NodeStatuses, AReapedNodeIsAnnouncedAsLeftAndItsCountRemoved) {
    auto& a = add_node("a", 1);
    auto& dead = add_node("dead", 7);
    EXPECT_TRUE(eventually([&] { return reported("dead").text == "7"; }));
    dead.adapter->abandon();  // no goodbye: as kill -9
    EXPECT_TRUE(eventually([&] { return a.seen() == std::vector<std::string>{"+dead", "-dead"}; }));
    EXPECT_EQ(a.ids(), std::vector<std::string>{"a"});
    EXPECT_EQ(reported("dead").type, RedisValue::Type::Nil);
}

}  // namespace
}  // namespace herald::cluster
