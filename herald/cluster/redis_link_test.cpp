// herald/cluster/redis_link_test.cpp
//
// RedisLink through real sentinels (redis-server --sentinel) when a sentinel names a master that
// will not do: nothing listens at its address, or it is a replica (as one sentinel may still say
// just after a failover). The link takes the next sentinel's answer at once and reaches the real
// master, long before the supervisor's retry; when no sentinel names a usable master, it reports
// down with every sentinel's reason.
#include "herald/cluster/redis_link.h"

#include <chrono>
#include <functional>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tests/support/redis_sentinel.h"
#include <gtest/gtest.h>

#include "herald/cluster/testing.h"

namespace herald::cluster {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr auto kMasterName = "herald-test";
// The supervisor's longest back-off: what the link took to recover before it asked on.
constexpr auto kRetry = 2000ms;

class RedisLinkSentinelTest : public ::testing::Test {
protected:
    struct Outcome {
        bool up = false;
        std::string why;  // when down
        std::chrono::milliseconds after{};
    };

    void SetUp() override {
        ASSERT_NO_FATAL_FAILURE(testing::require_redis(master_));
        loop_.start();
        started_ = true;
    }

    void TearDown() override {
        if (started_) {
            on_loop([this] { link_.reset(); });
            loop_.stop();
        }
    }

    // A redis-server made a replica of the master: ROLE answers "slave".
    std::unique_ptr<support::RedisServer> start_replica() {
        auto replica = std::make_unique<support::RedisServer>();
        run_blocking(*parse_redis_url(replica->url()),
                     {{"REPLICAOF", "127.0.0.1", std::to_string(master_->port())}}, 2s);
        return replica;
    }

    // A port of 127.0.0.1 where no Redis listens (any more).
    static std::uint16_t dead_port() {
        support::RedisServer gone;
        gone.kill_now();
        return gone.port();
    }

    static RedisEndpoint through(const std::vector<const support::RedisSentinel*>& sentinels,
                                 const std::vector<std::uint16_t>& extra = {}) {
        RedisEndpoint endpoint;
        endpoint.master_name = kMasterName;
        for (const auto* sentinel : sentinels) {
            endpoint.sentinels.push_back(RedisHost{"127.0.0.1", sentinel->port()});
        }
        for (const auto port : extra) {
            endpoint.sentinels.push_back(RedisHost{"127.0.0.1", port});
        }
        return endpoint;
    }

    // Opens a link to `endpoint`; its first up or down, and how long after open() it came.
    Outcome open(const RedisEndpoint& endpoint) {
        auto promise = std::make_shared<std::promise<Outcome>>();
        auto settled = std::make_shared<bool>(false);  // on the loop's thread
        const auto started = Clock::now();
        const auto settle = [promise, settled, started](bool up, const std::string& why) {
            if (!*settled) {
                *settled = true;
                promise->set_value(Outcome{up, why,
                                           std::chrono::duration_cast<std::chrono::milliseconds>(
                                                   Clock::now() - started)});
            }
        };
        on_loop([&] {
            link_ = std::make_unique<RedisLink>(
                    loop_, endpoint, nullptr,
                    RedisLink::Handlers{[settle] { settle(true, ""); },
                                        [settle](const std::string& why) { settle(false, why); },
                                        nullptr});
            link_->open();
        });
        auto future = promise->get_future();
        if (future.wait_for(10s) != std::future_status::ready) {
            ADD_FAILURE() << "the link was neither up nor down after 10 s";
            return {};
        }
        return future.get();
    }

    // SET through the link; then the value is read on the real master.
    void expect_writes_reach_the_master() {
        auto reply = std::make_shared<std::promise<std::optional<RedisValue>>>();
        on_loop([&] {
            link_->command(
                    {"SET", "herald-test-key", "through-the-link"},
                    [reply](std::optional<RedisValue> v) { reply->set_value(std::move(v)); });
        });
        auto future = reply->get_future();
        ASSERT_EQ(future.wait_for(5s), std::future_status::ready);
        const auto value = future.get();
        ASSERT_TRUE(value.has_value());
        EXPECT_FALSE(value->is_error()) << value->text;
        const auto read =
                run_blocking(*parse_redis_url(master_->url()), {{"GET", "herald-test-key"}}, 2s);
        EXPECT_EQ(read.at(0).text, "through-the-link");
    }

    // A first sentinel names `stale` as the master, a second the real one: the link comes up on
    // the real master well before its retry, without waiting for it.
    void expect_the_next_sentinel_after_one_naming(std::uint16_t stale) {
        const support::RedisSentinel first(kMasterName, stale);
        const support::RedisSentinel current(kMasterName, master_->port());
        ASSERT_TRUE(first.running() && current.running());
        const auto outcome = open(through({&first, &current}));
        ASSERT_TRUE(outcome.up) << outcome.why;
        EXPECT_LT(outcome.after, kRetry / 2);
        expect_writes_reach_the_master();
    }

    void on_loop(const std::function<void()>& work) {
        std::promise<void> done;
        loop_.post([&] {
            work();
            done.set_value();
        });
        done.get_future().wait();
    }

    std::unique_ptr<support::RedisServer> master_;
    net::Worker loop_{0};
    std::unique_ptr<RedisLink> link_;
    bool started_ = false;
};

TEST_F(RedisLinkSentinelTest, AMasterThatCannotBeReachedMovesOnToTheNextSentinel) {
    expect_the_next_sentinel_after_one_naming(dead_port());
}

TEST_F(RedisLinkSentinelTest, AReplicaNamedAsTheMasterMovesOnToTheNextSentinel) {
    const auto replica = start_replica();
    expect_the_next_sentinel_after_one_naming(replica->port());
}

TEST_F(RedisLinkSentinelTest, DownWithEverySentinelsReasonWhenNoneNamesAUsableMaster) {
    const auto replica = start_replica();
    const auto nowhere = dead_port();
    const support::RedisSentinel unreachable(kMasterName, nowhere);
    const support::RedisSentinel demoted(kMasterName, replica->port());
    ASSERT_TRUE(unreachable.running() && demoted.running());
    const auto silent = dead_port();  // a sentinel that is not there
    const auto outcome = open(through({&unreachable, &demoted}, {silent}));
    ASSERT_FALSE(outcome.up);
    const auto at = [](std::uint16_t port) {
        return "127.0.0.1:" + std::to_string(port);
    };
    EXPECT_NE(outcome.why.find("no sentinel named a usable master 'herald-test'"),
              std::string::npos)
            << outcome.why;
    EXPECT_NE(outcome.why.find("sentinel " + at(unreachable.port()) + " named " + at(nowhere)),
              std::string::npos)
            << outcome.why;
    EXPECT_NE(outcome.why.find("sentinel " + at(demoted.port()) + " named " + at(replica->port()) +
                               ": Redis at " + at(replica->port()) + " is a slave, not the master"),
              std::string::npos)
            << outcome.why;
    EXPECT_NE(outcome.why.find("sentinel " + at(silent) + ": "), std::string::npos) << outcome.why;
}

}  // namespace
}  // namespace herald::cluster
