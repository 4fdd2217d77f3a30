// herald/cluster/testing.h
//
// Test doubles for the cluster's parts: a FakeNode (the server side of a node, in memory), a
// FakeLink (a ClusterLink whose calls wait until the test answers them, by hand or by running
// them on a real redis-server), and require_redis(), which fails a test when redis-server is
// missing instead of skipping it: a cluster suite that skips passes without testing anything.
// Owner: the test thread (FakeNode is also called from the cluster thread; it locks).
#pragma once

#include <algorithm>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

#include "tests/support/redis_server.h"
#include <gtest/gtest.h>

#include "herald/cluster/adapter.h"
#include "herald/cluster/cluster_link.h"
#include "herald/cluster/redis_link.h"
#include "herald/cluster/redis_script.h"
#include "herald/cluster/redis_url.h"

namespace herald::cluster::testing {

// Starts a redis-server for the test, or fails it (call with ASSERT_NO_FATAL_FAILURE).
inline void require_redis(std::unique_ptr<support::RedisServer>& redis) {
    ASSERT_TRUE(support::RedisServer::available())
            << "redis-server is not installed; the cluster tests need it "
               "(scripts/install-deps.sh installs it)";
    redis = std::make_unique<support::RedisServer>();
    ASSERT_TRUE(redis->running()) << "redis-server did not start";
}

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
                        bool decided_here, bool told_here) override {
        const std::lock_guard lock(mutex_);
        member_events_.push_back((added ? "+" : "-") + member.user_id);
        if (told_here) {
            already_told_.push_back((added ? "+" : "-") + member.user_id);
        }
        if (decided_here) {
            decided_.push_back((added ? "+" : "-") + member.user_id);
        }
    }

    void subscriptions_changed(std::string_view /*app*/, std::string_view /*channel*/,
                               bool /*decided_here*/) override {}

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
    void set(const std::string& channel, std::uint64_t count,
             const std::optional<std::string>& user = std::nullopt,
             const std::optional<std::string>& info = std::nullopt) {
        const std::lock_guard lock(mutex_);
        counts_[{"app", channel}] = count;
        if (user && info) {
            members_[{"app", channel, *user}] = *info;
        } else if (user) {
            members_.erase({"app", channel, *user});
        }
    }

    // The same, then told to the adapter as the server does.
    void set(Adapter& adapter, const std::string& channel, std::uint64_t count,
             const std::optional<std::string>& user = std::nullopt,
             const std::optional<std::string>& info = std::nullopt) {
        set(channel, count, user, info);
        adapter.touch("app", channel);
        if (user) {
            adapter.touch("app", channel, *user, "9.9");
        }
    }

    std::vector<std::string> events() { return copy(events_); }

    std::vector<std::string> member_events() { return copy(member_events_); }

    std::vector<std::string> occupancy() { return copy(occupancy_); }

    std::vector<std::string> terminated() { return copy(terminated_); }

    // The member events this node was told it decided.
    std::vector<std::string> decided() { return copy(decided_); }

    // The member events whose subscribers on this node had heard of them already.
    std::vector<std::string> already_told() { return copy(already_told_); }

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
    std::vector<std::string> decided_;
    std::vector<std::string> already_told_;
};

// A ClusterLink that holds every call until the test answers it: answer() by hand, or run() on a
// real Redis (the script as EVAL, so no SCRIPT LOAD is needed). Deferred work runs in run() and
// run_deferred().
class FakeLink final : public ClusterLink {
public:
    struct Call {
        std::vector<std::string> args;  // a script call: {"EVAL", script, "0", what, ...}
        Done done;
    };

    FakeLink(std::string prefix, std::string node_id,
             std::optional<RedisEndpoint> redis = std::nullopt)
        : prefix_(std::move(prefix)), node_id_(std::move(node_id)), redis_(std::move(redis)) {}

    void command(std::vector<std::string> args, Done done) override {
        sent_.push_back(args);
        calls_.push_back(Call{std::move(args), std::move(done)});
    }

    void script(std::string_view what, std::vector<std::string> args, Done done) override {
        std::vector<std::string> call{
                "EVAL", std::string(cluster_script()), "0", std::string(what), prefix_, node_id_};
        call.insert(call.end(), args.begin(), args.end());
        command(std::move(call), std::move(done));
    }

    void defer(std::function<void()> work) override { deferred_.push_back(std::move(work)); }

    void resync() override { ++resyncs; }

    void synced() override {
        ++syncs;
        up_ = true;
    }

    void fail(const std::string& why) override {
        failures.push_back(why);
        up_ = false;
    }

    [[nodiscard]] bool up() const noexcept override { return up_; }

    void set_up(bool up) noexcept { up_ = up; }

    // The script command of the oldest call waiting ("sync", "snap", "count"...), or the command.
    [[nodiscard]] std::string next() const {
        if (calls_.empty()) {
            return {};
        }
        const auto& args = calls_.front().args;
        return args[0] == "EVAL" ? args[3] : args[0];
    }

    // Answers the oldest call waiting with `reply`.
    void answer(const RedisValue& reply) {
        auto call = std::move(calls_.front());
        calls_.pop_front();
        if (call.done) {
            call.done(reply);
        }
    }

    void run_deferred() {
        while (!deferred_.empty()) {
            auto work = std::move(deferred_.front());
            deferred_.pop_front();
            work();
        }
    }

    // Runs every call (and whatever they lead to) on the real Redis, in order.
    void run() {
        while (!calls_.empty() || !deferred_.empty()) {
            while (!calls_.empty()) {
                const auto replies = run_blocking(redis_.value(), {calls_.front().args},
                                                  std::chrono::seconds(2));
                answer(replies.at(0));
            }
            run_deferred();
        }
    }

    // Every command sent, script calls as {"EVAL", script, "0", what, prefix, node, args...}.
    [[nodiscard]] const std::vector<std::vector<std::string>>& sent() const { return sent_; }

    [[nodiscard]] std::size_t sent_scripts(std::string_view what) const {
        return static_cast<std::size_t>(
                std::count_if(sent_.begin(), sent_.end(),
                              [&](const auto& a) { return a[0] == "EVAL" && a[3] == what; }));
    }

    int syncs = 0;
    int resyncs = 0;
    std::vector<std::string> failures;

private:
    std::string prefix_;
    std::string node_id_;
    std::optional<RedisEndpoint> redis_;
    std::deque<Call> calls_;
    std::deque<std::function<void()>> deferred_;
    std::vector<std::vector<std::string>> sent_;
    bool up_ = false;
};

// A Redis reply, for answering by hand.
inline RedisValue integer_reply(long long value) {
    RedisValue v;
    v.type = RedisValue::Type::Integer;
    v.integer = value;
    return v;
}

inline RedisValue text_reply(std::string text) {
    RedisValue v;
    v.type = RedisValue::Type::String;
    v.text = std::move(text);
    return v;
}

inline RedisValue array_reply(std::vector<RedisValue> elements) {
    RedisValue v;
    v.type = RedisValue::Type::Array;
    v.elements = std::move(elements);
    return v;
}

}  // namespace herald::cluster::testing
