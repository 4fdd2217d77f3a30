// herald/cluster/link_supervisor_test.cpp
//
// The link supervisor alone against a real redis-server: it connects, subscribes and asks for a
// registration; passes messages on; renews the lease and asks again when Redis lost it; and
// comes back after Redis restarts, pauses or answers something unusable.
#include "herald/cluster/link_supervisor.h"

#include <atomic>
#include <future>
#include <mutex>

#include <gtest/gtest.h>

#include "herald/cluster/testing.h"
#include "herald/net/testing.h"

namespace herald::cluster {
namespace {

using namespace std::chrono_literals;
using net::testing::eventually;

class LinkSupervisorTest : public ::testing::Test {
protected:
    void SetUp() override { ASSERT_NO_FATAL_FAILURE(testing::require_redis(redis_)); }

    void TearDown() override {
        if (link_) {
            on_loop([this] { link_->shutdown(); });
            loop_.stop();
        }
    }

    // Starts a supervisor whose registration is the script's bare minimum: the lease.
    void start(std::chrono::milliseconds lease = 800ms) {
        LinkSupervisor::Hooks hooks;
        hooks.sync = [this] {
            ++syncs_;
            link_->script("sync", {std::to_string(lease_.count())},
                          [this](const RedisValue&) { link_->synced(); });
        };
        hooks.lost = [this](bool was_up) {
            if (was_up) {
                ++lost_;
            }
        };
        hooks.message = [this](std::string_view channel, std::string_view payload) {
            const std::lock_guard lock(mutex_);
            messages_.push_back(std::string(channel) + " " + std::string(payload));
        };
        lease_ = lease;
        link_ = std::make_unique<LinkSupervisor>(
                loop_,
                LinkSupervisor::Options{*parse_redis_url(redis_->url()),
                                        "t:",
                                        "n1",
                                        lease,
                                        {"t:ctl", "t:a:app"},
                                        {},
                                        nullptr},
                std::move(hooks));
        loop_.start();
        loop_.post([this] { link_->start(); });
    }

    void on_loop(std::function<void()> work) {
        std::promise<void> done;
        loop_.post([&] {
            work();
            done.set_value();
        });
        done.get_future().wait();
    }

    std::vector<RedisValue> redis(const std::vector<std::vector<std::string>>& commands) {
        return run_blocking(*parse_redis_url(redis_->url()), commands, 2s);
    }

    std::vector<std::string> messages() {
        const std::lock_guard lock(mutex_);
        return messages_;
    }

    std::unique_ptr<support::RedisServer> redis_;
    net::Worker loop_{0};
    std::unique_ptr<LinkSupervisor> link_;
    std::chrono::milliseconds lease_{};
    std::atomic<int> syncs_{0};
    std::atomic<int> lost_{0};
    std::mutex mutex_;
    std::vector<std::string> messages_;
};

TEST_F(LinkSupervisorTest, JoinsOnceSubscribedAndPassesMessagesOn) {
    start();
    EXPECT_TRUE(eventually([&] { return link_->clustered(); }));
    EXPECT_EQ(syncs_.load(), 1);
    redis({{"PUBLISH", "t:a:app", "hello"}, {"PUBLISH", "t:ctl", "bye"}});
    EXPECT_TRUE(eventually([&] { return messages().size() == 2; }));
    EXPECT_EQ(messages(), (std::vector<std::string>{"t:a:app hello", "t:ctl bye"}));
}

TEST_F(LinkSupervisorTest, RenewsTheLeaseAndRegistersAgainWhenRedisLostIt) {
    start();
    ASSERT_TRUE(eventually([&] { return link_->clustered(); }));
    const auto first = redis({{"ZSCORE", "t:nodes", "n1"}})[0].text;
    EXPECT_TRUE(eventually([&] { return redis({{"ZSCORE", "t:nodes", "n1"}})[0].text != first; }));
    redis({{"ZREM", "t:nodes", "n1"}});
    EXPECT_TRUE(eventually([&] { return syncs_.load() == 2; }));
    EXPECT_TRUE(link_->clustered());
    EXPECT_EQ(lost_.load(), 0);
}

TEST_F(LinkSupervisorTest, ComesBackAfterRedisRestarts) {
    start();
    ASSERT_TRUE(eventually([&] { return link_->clustered(); }));
    redis_->kill_now();
    EXPECT_TRUE(eventually([&] { return !link_->clustered(); }, 3s));
    EXPECT_EQ(lost_.load(), 1);
    redis_->start();
    EXPECT_TRUE(eventually([&] { return link_->clustered(); }, 8s));
    EXPECT_EQ(syncs_.load(), 2);
    redis({{"PUBLISH", "t:a:app", "after"}});
    EXPECT_TRUE(
            eventually([&] { return messages() == std::vector<std::string>{"t:a:app after"}; }));
}

TEST_F(LinkSupervisorTest, APausedRedisTripsTheWatchdog) {
    start();
    ASSERT_TRUE(eventually([&] { return link_->clustered(); }));
    redis_->pause();
    EXPECT_TRUE(eventually([&] { return !link_->clustered(); }, 3s));
    redis_->resume();
    EXPECT_TRUE(eventually([&] { return link_->clustered(); }, 8s));
    EXPECT_EQ(lost_.load(), 1);
}

TEST_F(LinkSupervisorTest, AnUnusableAnswerStartsTheConnectionAgain) {
    start();
    ASSERT_TRUE(eventually([&] { return link_->clustered(); }));
    on_loop([this] { link_->fail("a reply that does not parse"); });
    EXPECT_FALSE(link_->clustered());
    EXPECT_TRUE(eventually([&] { return link_->clustered(); }, 5s));
    EXPECT_EQ(lost_.load(), 1);
    EXPECT_EQ(syncs_.load(), 2);
}

TEST_F(LinkSupervisorTest, ARefusedCommandStartsTheConnectionAgain) {
    start();
    ASSERT_TRUE(eventually([&] { return link_->clustered(); }));
    on_loop([this] { link_->command({"NO-SUCH-COMMAND"}, nullptr); });
    EXPECT_TRUE(eventually([&] { return lost_.load() == 1; }));
    EXPECT_TRUE(eventually([&] { return link_->clustered(); }, 5s));
}

}  // namespace
}  // namespace herald::cluster
