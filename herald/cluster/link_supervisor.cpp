// herald/cluster/link_supervisor.cpp
#include "herald/cluster/link_supervisor.h"

// <utility> first: Boost 1.74 headers rely on it under GCC 12 in C++20 mode.
#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <map>
#include <memory>
#include <utility>

#include <spdlog/spdlog.h>

#include "herald/cluster/redis_script.h"

namespace herald::cluster {

namespace {

using std::chrono::milliseconds;

constexpr milliseconds kMinBackoff{100};
constexpr milliseconds kMaxBackoff{2000};
// While Redis stays away, a reminder this often (the first failure is logged at once).
constexpr std::chrono::seconds kReminder{60};

}  // namespace

LinkSupervisor::LinkSupervisor(net::Worker& loop, Options options, Hooks hooks)
    : loop_(loop),
      options_(std::move(options)),
      hooks_(std::move(hooks)),
      cmd_(loop, options_.endpoint, options_.tls, link_handlers(false)),
      sub_(loop, options_.endpoint, options_.tls, link_handlers(true)),
      watch_(loop, options_.endpoint, options_.tls,
             [this](const std::string& master) { master_switched(master); }),
      timer_(loop),
      backoff_(kMinBackoff) {}

RedisLink::Handlers LinkSupervisor::link_handlers(bool for_sub) {
    RedisLink::Handlers h;
    h.up = [this] {
        link_up();
    };
    h.down = [this](const std::string& why) {
        go_down(why);
    };
    if (for_sub) {
        h.push = [this](const RedisValue& v) {
            on_push(v);
        };
    }
    return h;
}

void LinkSupervisor::start() {
    connect();
    arm_tick();
}

void LinkSupervisor::leave() noexcept {
    stopping_ = true;
}

void LinkSupervisor::shutdown() {
    stopped_ = true;
    stopping_ = true;
    ++generation_;
    clustered_.store(false);
    timer_.cancel();
    cmd_.close();
    sub_.close();
    watch_.stop();
}

bool LinkSupervisor::clustered() const noexcept {
    return clustered_.load();
}

std::optional<std::string> LinkSupervisor::refusal() const {
    const std::lock_guard lock(refusal_mutex_);
    return refusal_;
}

bool LinkSupervisor::up() const noexcept {
    return phase_ == Phase::Up;
}

void LinkSupervisor::connect() {
    phase_ = Phase::Connecting;
    ++generation_;
    links_up_ = 0;
    subscribed_ = 0;
    pending_ = 0;
    phase_started_ = Clock::now();
    cmd_.open();
    sub_.open();
}

void LinkSupervisor::link_up() {
    if (phase_ != Phase::Connecting || ++links_up_ < 2) {
        return;
    }
    check_apps([this] {
        command({"SCRIPT", "LOAD", std::string(cluster_script())}, [this](const RedisValue& v) {
            script_sha_ = v.text;
            sub_.subscribe(options_.channels);
        });
    });
}

// Before every registration, not only at start: a node that first reached Redis after it
// started, or a Redis that restarted empty, is checked (and recorded) all the same.
void LinkSupervisor::check_apps(std::function<void()> next) {
    if (options_.apps.empty()) {
        next();
        return;
    }
    auto commands = check_commands(options_.prefix, options_.apps);
    auto replies = std::make_shared<std::vector<RedisValue>>();
    const auto total = commands.size();
    for (auto& each : commands) {
        command(std::move(each), [this, replies, total, next](const RedisValue& reply) {
            replies->push_back(reply);
            if (replies->size() < total) {
                return;
            }
            if (const auto why = credentials_mismatch(options_.prefix, options_.endpoint,
                                                      options_.apps, *replies)) {
                refuse(*why);
                return;
            }
            const std::lock_guard lock(refusal_mutex_);
            if (refusal_) {
                spdlog::info("cluster: the apps' credentials now match the cluster's");
                refusal_.reset();
            }
            next();
        });
    }
}

// The node stays out of the cluster and checks again on each reconnection (every 2 s), so that
// fixing the credentials (or deleting the key the message names) is picked up without a restart.
void LinkSupervisor::refuse(const std::string& why) {
    {
        const std::lock_guard lock(refusal_mutex_);
        if (refusal_ != why) {
            spdlog::error(
                    "cluster: {}; this node stays out of the cluster (/readyz answers 503) and "
                    "checks again every {} ms",
                    why, kMaxBackoff.count());
        }
        refusal_ = why;
    }
    reported_down_ = true;  // the reason is logged above, not as "cannot reach Redis"
    backoff_ = kMaxBackoff;
    go_down("the apps' credentials differ from the cluster's");
}

std::vector<NodeStatus> LinkSupervisor::node_statuses() const {
    const std::lock_guard lock(nodes_mutex_);
    return statuses_;
}

std::uint64_t LinkSupervisor::connections() const {
    return hooks_.connections ? hooks_.connections() : 0;
}

void LinkSupervisor::refresh_nodes() {
    script("nodes", {}, [this](const RedisValue& v) { apply_nodes(v); });
}

// The reply of the script's `nodes`: {Redis's time in ms, {id, expiry}..., {id, connections}...}.
void LinkSupervisor::apply_nodes(const RedisValue& reply) {
    if (reply.elements.size() != 3) {
        return;
    }
    const auto now = reply.elements[0].integer;
    const auto& leases = reply.elements[1].elements;
    const auto& reported = reply.elements[2].elements;
    std::map<std::string_view, std::uint64_t> counts;
    for (std::size_t i = 0; i + 1 < reported.size(); i += 2) {
        const auto& text = reported[i + 1].text;
        std::uint64_t n = 0;
        std::from_chars(text.data(), text.data() + text.size(), n);
        counts[reported[i].text] = n;
    }
    std::vector<NodeStatus> next;
    for (std::size_t i = 0; i + 1 < leases.size(); i += 2) {
        // Scores are doubles in Redis; a lease's expiry in ms is a whole number.
        const auto expiry =
                static_cast<long long>(std::strtod(leases[i + 1].text.c_str(), nullptr));
        const auto count = counts.find(leases[i].text);
        next.push_back(
                NodeStatus{leases[i].text, count == counts.end() ? 0 : count->second,
                           std::max(milliseconds(0), options_.lease - milliseconds(expiry - now)),
                           leases[i].text == options_.node_id});
    }
    std::sort(next.begin(), next.end(),
              [](const NodeStatus& x, const NodeStatus& y) { return x.id < y.id; });

    std::vector<std::pair<std::string, bool>> changes;
    {
        const std::lock_guard lock(nodes_mutex_);
        if (statuses_current_) {
            // Both lists are sorted by id: one merge finds who left and who joined.
            auto before = statuses_.begin();
            auto after = next.begin();
            while (before != statuses_.end() || after != next.end()) {
                if (after == next.end() || (before != statuses_.end() && before->id < after->id)) {
                    changes.emplace_back(before++->id, false);
                } else if (before == statuses_.end() || after->id < before->id) {
                    changes.emplace_back(after++->id, true);
                } else {
                    ++before;
                    ++after;
                }
            }
        }
        statuses_ = std::move(next);
        nodes_.store(statuses_.size());
    }
    statuses_current_ = true;
    if (!hooks_.node_change) {
        return;
    }
    for (const auto& [id, joined] : changes) {
        if (id != options_.node_id) {
            hooks_.node_change(id, joined);
        }
    }
}

void LinkSupervisor::on_push(const RedisValue& value) {
    if (value.elements.size() != 3) {
        return;
    }
    const auto& kind = value.elements[0].text;
    if (kind == "message") {
        if (hooks_.message) {
            hooks_.message(value.elements[1].text, value.elements[2].text);
        }
    } else if (kind == "subscribe") {
        on_subscribed();
    }
}

void LinkSupervisor::on_subscribed() {
    if (phase_ != Phase::Connecting || ++subscribed_ < options_.channels.size()) {
        return;
    }
    resync();
}

void LinkSupervisor::resync() {
    last_beat_ = Clock::now();  // a registration renews the lease as a beat does
    if (hooks_.sync) {
        hooks_.sync();
    }
}

void LinkSupervisor::synced() {
    const bool first = !ever_up_;
    if (phase_ != Phase::Up) {
        up_since_ = Clock::now();
        statuses_current_ = false;  // who came and went while this node was away is not news
    }
    phase_ = Phase::Up;
    ever_up_ = true;
    reported_down_ = false;
    backoff_ = kMinBackoff;
    attempts_ = 0;
    clustered_.store(true);
    command({"HSET", options_.prefix + "node_connections", options_.node_id,
             std::to_string(connections())},
            nullptr);
    refresh_nodes();
    spdlog::info("cluster: node {} {} Redis at {}", options_.node_id,
                 first ? "joined the cluster through" : "is back in the cluster through",
                 describe(options_.endpoint));
}

void LinkSupervisor::fail(const std::string& why) {
    go_down(why);
}

void LinkSupervisor::go_down(const std::string& why) {
    if (phase_ == Phase::Down || stopping_) {
        return;
    }
    const bool was_up = phase_ == Phase::Up;
    phase_ = Phase::Down;
    ++generation_;
    clustered_.store(false);
    if (hooks_.lost) {
        hooks_.lost(was_up);
    }
    cmd_.close();
    sub_.close();
    if (was_up) {
        spdlog::warn(
                "cluster: lost Redis at {} ({}); serving local connections only until it returns",
                describe(options_.endpoint), why);
        backoff_ = kMinBackoff;
    } else if (!reported_down_) {
        spdlog::warn(
                "cluster: cannot reach Redis at {} ({}); serving local connections only and "
                "retrying",
                describe(options_.endpoint), why);
        reported_at_ = Clock::now();
    } else if (Clock::now() - reported_at_ >= kReminder && !refusal()) {
        spdlog::warn("cluster: still cannot reach Redis at {} ({}) after {} attempt(s); retrying",
                     describe(options_.endpoint), why, attempts_);
        reported_at_ = Clock::now();
    }
    ++attempts_;
    reported_down_ = true;
    retry_at_ = Clock::now() + backoff_;
    backoff_ = std::min(backoff_ * 2, kMaxBackoff);
}

// The new master may have lost the last writes before the failover: re-registering there is
// the same as after a Redis restart (absolute per-node values make it exact).
void LinkSupervisor::master_switched(const std::string& master) {
    if (stopping_) {
        return;
    }
    spdlog::warn("cluster: the sentinels moved master '{}' to {}; following it",
                 options_.endpoint.master_name, master);
    backoff_ = kMinBackoff;
    go_down("the master moved to " + master);
    retry_at_ = Clock::now();
}

void LinkSupervisor::tick() {
    const auto now = Clock::now();
    if (!stopping_) {
        watch_.keep();
    }
    const auto patience = options_.lease / 2;
    if (phase_ == Phase::Down && now >= retry_at_ && !stopping_) {
        connect();
    } else if (phase_ == Phase::Connecting && now - phase_started_ > patience) {
        go_down("no answer within " + std::to_string(patience.count()) + " ms");
    } else if (phase_ == Phase::Up) {
        if (pending_ > 0 && now - last_progress_ > patience) {
            go_down("no reply within " + std::to_string(patience.count()) + " ms");
        } else if (now - last_beat_ >= options_.lease / 4) {
            beat();
        }
    }
    arm_tick();
}

void LinkSupervisor::arm_tick() {
    const auto step = std::clamp(options_.lease / 20, milliseconds(10), milliseconds(250));
    timer_.arm(step, [this] {
        if (!stopped_) {
            tick();
        }
    });
}

void LinkSupervisor::beat() {
    last_beat_ = Clock::now();
    // Not in the first lease after (re)connecting: after a Redis outage every node's lease has
    // lapsed, and the others need that long to come back before anyone reaps them.
    const bool reap = Clock::now() - up_since_ >= options_.lease;
    script("beat",
           {std::to_string(options_.lease.count()), reap ? "1" : "0",
            std::to_string(connections())},
           [this](const RedisValue& v) {
               if (v.integer == 0) {
                   spdlog::warn("cluster: this node's lease had expired; registering again");
                   resync();
               }
           });
    refresh_nodes();
}

void LinkSupervisor::command(std::vector<std::string> args, Done done) {
    if (pending_++ == 0) {
        last_progress_ = Clock::now();
    }
    const auto gen = generation_;
    cmd_.command(args, [this, gen, done = std::move(done)](std::optional<RedisValue> reply) {
        if (gen != generation_) {
            return;
        }
        --pending_;
        last_progress_ = Clock::now();
        if (!reply) {
            go_down("connection lost");
        } else if (reply->is_error()) {
            spdlog::error("cluster: Redis refused a command: {}", reply->text);
            go_down(reply->text);
        } else if (done) {
            done(*reply);
        }
    });
}

void LinkSupervisor::script(std::string_view what, std::vector<std::string> args, Done done) {
    std::vector<std::string> call{"EVALSHA",         script_sha_,     "0",
                                  std::string(what), options_.prefix, options_.node_id};
    call.insert(call.end(), std::make_move_iterator(args.begin()),
                std::make_move_iterator(args.end()));
    command(std::move(call), std::move(done));
}

void LinkSupervisor::defer(std::function<void()> work) {
    loop_.post(std::move(work));
}

}  // namespace herald::cluster
