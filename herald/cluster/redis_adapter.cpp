// herald/cluster/redis_adapter.cpp
#include "herald/cluster/redis_adapter.h"

// <utility> first: Boost 1.74 headers rely on it under GCC 12 in C++20 mode.
#include <algorithm>
#include <atomic>
#include <future>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <tuple>
#include <utility>

#include <boost/asio/steady_timer.hpp>
#include <spdlog/spdlog.h>

#include "herald/cluster/redis_link.h"
#include "herald/cluster/redis_script.h"
#include "herald/cluster/wire.h"
#include "herald/net/worker.h"
#include "herald/util/digest.h"
#include "herald/util/random.h"

namespace herald::cluster {

namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr milliseconds kMinBackoff{100};
constexpr milliseconds kMaxBackoff{2000};
constexpr milliseconds kStartTimeout{2000};
constexpr milliseconds kByeTimeout{1000};
constexpr char kSep = '\x1f';

std::string random_node_id() {
    util::FastRandom random;
    std::string raw(8, '\0');
    const auto value = random.next();
    for (std::size_t i = 0; i < raw.size(); ++i) {
        raw[i] = static_cast<char>((value >> (8U * i)) & 0xFFU);
    }
    return util::to_hex(raw);
}

std::string fingerprint(const AppCredentials& app) {
    return util::to_hex(
            util::hmac_sha256(app.secret, "herald cluster app " + app.id + " " + app.key));
}

// "c␟app␟channel" or "m␟app␟channel␟user" (the user may contain anything).
std::vector<std::string> split_field(std::string_view field) {
    std::vector<std::string> parts;
    while (parts.size() < 3) {
        const auto at = field.find(kSep);
        if (at == std::string_view::npos) {
            break;
        }
        parts.emplace_back(field.substr(0, at));
        field.remove_prefix(at + 1);
    }
    parts.emplace_back(field);
    return parts;
}

std::uint64_t to_count(std::string_view text) {
    std::uint64_t value = 0;
    for (const char c : text) {
        if (c < '0' || c > '9') {
            return 0;
        }
        value = value * 10 + static_cast<std::uint64_t>(c - '0');
    }
    return value;
}

enum class Phase : std::uint8_t {
    Down,
    Connecting,
    Up
};

}  // namespace

struct RedisAdapter::Impl {
    explicit Impl(RedisOptions o)
        : options(std::move(o)),
          node_id(options.node_id.empty() ? random_node_id() : options.node_id),
          cmd(loop, options.endpoint, link_handlers(false)),
          sub(loop, options.endpoint, link_handlers(true)) {}

    RedisLink::Handlers link_handlers(bool for_sub) {
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

    // ---- lifecycle (loop thread unless said otherwise) ----

    void connect() {
        phase = Phase::Connecting;
        ++generation;
        links_up = 0;
        subscribed = 0;
        pending = 0;
        phase_started = Clock::now();
        cmd.open();
        sub.open();
    }

    void link_up() {
        if (phase != Phase::Connecting || ++links_up < 2) {
            return;
        }
        const auto gen = generation;
        command({"SCRIPT", "LOAD", std::string(cluster_script())}, [this, gen](RedisValue v) {
            if (gen != generation) {
                return;
            }
            script_sha = v.text;
            sub.subscribe(channels());
        });
    }

    void on_subscribed() {
        if (phase != Phase::Connecting || ++subscribed < channels().size()) {
            return;
        }
        sync();
    }

    void go_down(const std::string& why) {
        if (phase == Phase::Down || stopping) {
            return;
        }
        const bool was_up = phase == Phase::Up;
        phase = Phase::Down;
        ++generation;
        clustered_flag.store(false);
        if (was_up && !outage) {
            outage = view.presence();  // what this node's clients were told of the others
        }
        view.clear();
        cmd.close();
        sub.close();
        if (was_up) {
            spdlog::warn(
                    "cluster: lost Redis at {} ({}); serving local connections only until "
                    "it returns",
                    describe(options.endpoint), why);
            backoff = kMinBackoff;
        } else if (!reported_down) {
            spdlog::warn("cluster: cannot reach Redis at {} ({}); retrying",
                         describe(options.endpoint), why);
        }
        reported_down = true;
        retry_at = Clock::now() + backoff;
        backoff = std::min(backoff * 2, kMaxBackoff);
    }

    void tick() {
        const auto now = Clock::now();
        const auto patience = options.lease / 2;
        if (phase == Phase::Down && now >= retry_at && !stopping) {
            connect();
        } else if (phase == Phase::Connecting && now - phase_started > patience) {
            go_down("no answer within " + std::to_string(patience.count()) + " ms");
        } else if (phase == Phase::Up) {
            if (pending > 0 && now - last_progress > patience) {
                go_down("no reply within " + std::to_string(patience.count()) + " ms");
            } else if (now - last_beat >= options.lease / 4) {
                beat();
            }
        }
        arm_tick();
    }

    void arm_tick() {
        const auto step = std::clamp(options.lease / 20, milliseconds(10), milliseconds(250));
        timer.expires_after(step);
        timer.async_wait([this](const boost::system::error_code& ec) {
            if (!ec && !stopped) {
                tick();
            }
        });
    }

    // ---- commands ----

    // Sends a command that counts for the watchdog; `done` runs only with a reply of this
    // connection's generation (an error reply takes the link down).
    void command(const std::vector<std::string>& args, std::function<void(RedisValue)> done) {
        if (pending++ == 0) {
            last_progress = Clock::now();
        }
        const auto gen = generation;
        cmd.command(args, [this, gen, done = std::move(done)](std::optional<RedisValue> reply) {
            if (gen != generation) {
                return;
            }
            --pending;
            last_progress = Clock::now();
            if (!reply) {
                go_down("connection lost");
            } else if (reply->is_error()) {
                spdlog::error("cluster: Redis refused a command: {}", reply->text);
                go_down(reply->text);
            } else if (done) {
                done(std::move(*reply));
            }
        });
    }

    std::vector<std::string> script(std::string_view what) const {
        return {"EVALSHA", script_sha, "0", std::string(what), options.prefix, node_id};
    }

    std::vector<std::string> channels() const {
        std::vector<std::string> out{options.prefix + "ctl"};
        for (const auto& app : options.apps) {
            out.push_back(options.prefix + "a:" + app.id);
        }
        return out;
    }

    void beat() {
        last_beat = Clock::now();
        auto args = script("beat");
        args.push_back(std::to_string(options.lease.count()));
        // Not in the first lease after (re)connecting: after a Redis outage every node's lease
        // has lapsed, and the others need that long to come back before anyone reaps them.
        args.push_back(Clock::now() - up_since >= options.lease ? "1" : "0");
        const auto gen = generation;
        command(args, [this, gen](const RedisValue& v) {
            if (gen == generation && v.integer == 0) {
                spdlog::warn("cluster: this node's lease had expired; registering again");
                sync();
            }
        });
    }

    // Registers this node's whole state (absolute values, diffed by the script), then loads the
    // other nodes' state into the view.
    void sync() {
        dirty_counts.clear();
        dirty_members.clear();
        counts_in_flight.clear();  // replies of older calls change nothing the sync does not
        members_in_flight.clear();
        auto args = script("sync");
        args.push_back(std::to_string(options.lease.count()));
        for (auto& channel : node->local_channels()) {
            if (channel.subscriptions > 0) {
                args.insert(args.end(), {"c", channel.app_id, channel.channel,
                                         std::to_string(channel.subscriptions)});
            }
            for (auto& m : channel.members) {
                args.insert(args.end(), {"m", channel.app_id, channel.channel, std::move(m.user_id),
                                         std::move(m.user_info)});
            }
        }
        last_beat = Clock::now();
        command(args, [this](const RedisValue&) { load_snapshot(); });
    }

    void load_snapshot() {
        snapshot_pending = true;
        command(script("snap"), [this](const RedisValue& v) { apply_snapshot(v); });
    }

    void apply_snapshot(const RedisValue& v) {
        view.clear();
        const auto seq = v.elements.empty() ? 0 : to_count(v.elements[0].text);
        for (std::size_t i = 1; i + 1 < v.elements.size(); i += 2) {
            const auto& owner = v.elements[i].text;
            if (owner == node_id) {
                continue;
            }
            const auto& fields = v.elements[i + 1].elements;
            for (std::size_t f = 0; f + 1 < fields.size(); f += 2) {
                apply_field(owner, fields[f].text, fields[f + 1].text);
            }
        }
        snapshot_pending = false;
        for (auto& message : buffered) {
            std::visit(
                    [&](auto& m) {
                        if (m.seq > seq) {
                            view.apply(m);
                        }
                    },
                    message);
        }
        buffered.clear();
        reconcile();
        const bool first = !ever_up;
        if (phase != Phase::Up) {
            up_since = Clock::now();
        }
        phase = Phase::Up;
        ever_up = true;
        reported_down = false;
        backoff = kMinBackoff;
        clustered_flag.store(true);
        spdlog::info("cluster: node {} {} Redis at {}", node_id,
                     first ? "joined the cluster through" : "is back in the cluster through",
                     describe(options.endpoint));
        flush();
    }

    // After an outage: the members of other nodes that came or went meanwhile (whose transitions
    // this node missed) are announced to its local subscribers, so their rosters hold no ghosts.
    void reconcile() {
        if (!outage) {
            return;
        }
        const auto before = std::exchange(outage, std::nullopt).value();
        const auto now = view.presence();
        const auto announce = [this](const auto& key, const auto& from, const auto* other,
                                     bool added) {
            const auto& [app, channel] = key;
            for (const auto& [user, info] : from) {
                const bool still = other != nullptr && other->contains(user);
                if (!still && !node->local_member(app, channel, user)) {
                    node->member_changed(app, channel, pusher::Member{user, info}, added, {},
                                         false);
                }
            }
        };
        for (const auto& [key, users] : before) {
            const auto it = now.find(key);
            announce(key, users, it == now.end() ? nullptr : &it->second, false);
        }
        for (const auto& [key, users] : now) {
            const auto it = before.find(key);
            announce(key, users, it == before.end() ? nullptr : &it->second, true);
        }
    }

    void apply_field(const std::string& owner, std::string_view field, const std::string& value) {
        auto parts = split_field(field);
        if (parts.size() == 3 && parts[0] == "c") {
            view.apply(CountMessage{owner, owner, 0, parts[1], parts[2], to_count(value),
                                    Transition::None});
        } else if (parts.size() == 4 && parts[0] == "m") {
            view.apply(MemberMessage{owner,
                                     owner,
                                     0,
                                     parts[1],
                                     parts[2],
                                     parts[3],
                                     true,
                                     value,
                                     Transition::None,
                                     {}});
        }
    }

    // ---- what the server hands over (loop thread) ----

    void schedule_flush() {
        if (!flush_posted && phase == Phase::Up) {
            flush_posted = true;
            loop.post([this] {
                flush_posted = false;
                flush();
            });
        }
    }

    // One script call per dirty key, and at most one in flight per key: changes that arrive
    // meanwhile merge into the next call (the values are absolute), so a burst of subscriptions
    // to one channel costs one call per Redis round trip, not one per subscription.
    void flush() {
        if (phase != Phase::Up) {
            return;
        }
        const auto gen = generation;
        for (auto it = dirty_counts.begin(); it != dirty_counts.end();) {
            if (!counts_in_flight.insert(*it).second) {
                ++it;
                continue;
            }
            const auto& [app, channel] = *it;
            auto args = script("count");
            args.insert(args.end(),
                        {app, channel, std::to_string(node->local_subscriptions(app, channel))});
            command(args, [this, gen, key = *it](const RedisValue& v) {
                if (gen == generation) {
                    counts_in_flight.erase(key);
                    check_leased(v);
                    schedule_flush_if_dirty();
                }
            });
            it = dirty_counts.erase(it);
        }
        for (auto it = dirty_members.begin(); it != dirty_members.end();) {
            if (!members_in_flight.insert(it->first).second) {
                ++it;
                continue;
            }
            const auto& [app, channel, user] = it->first;
            const auto info = node->local_member(app, channel, user);
            auto args = script("member");
            args.insert(args.end(),
                        {app, channel, user, info ? "1" : "0", info.value_or(""), it->second});
            command(args, [this, gen, key = it->first](const RedisValue& v) {
                if (gen == generation) {
                    members_in_flight.erase(key);
                    check_leased(v);
                    schedule_flush_if_dirty();
                }
            });
            it = dirty_members.erase(it);
        }
    }

    void schedule_flush_if_dirty() {
        if (!dirty_counts.empty() || !dirty_members.empty()) {
            schedule_flush();
        }
    }

    void check_leased(const RedisValue& v) {
        if (v.integer == 0 && phase == Phase::Up && !snapshot_pending) {
            spdlog::warn("cluster: Redis no longer holds this node's lease; registering again");
            sync();
        }
    }

    void send_message(const std::string& app_id, const WireMessage& message) {
        if (phase != Phase::Up) {
            return;  // local delivery already happened; nothing is replayed later (Pusher)
        }
        command({"PUBLISH", options.prefix + "a:" + app_id, encode(message)}, nullptr);
    }

    // ---- what other nodes send (loop thread) ----

    void on_push(const RedisValue& v) {
        if (v.elements.size() != 3 || v.elements[0].text != "message") {
            if (v.elements.size() == 3 && v.elements[0].text == "subscribe") {
                on_subscribed();
            }
            return;
        }
        auto message = decode(v.elements[2].text);
        if (!message) {
            spdlog::warn("cluster: ignored a malformed message on {}", v.elements[1].text);
            return;
        }
        std::visit([this](auto& m) { receive(m); }, *message);
    }

    void receive(EventMessage& m) {
        if (m.node == node_id) {
            return;
        }
        Event event{std::move(m.app_id), std::move(m.channel), std::move(m.payload),
                    std::nullopt,        std::nullopt,         std::nullopt};
        if (!m.exclude.empty()) {
            event.exclude = std::move(m.exclude);
        }
        if (!m.event.empty()) {
            event.event = std::move(m.event);
            event.data = std::move(m.data);
        }
        node->deliver(event);
    }

    void receive(const TerminateMessage& m) {
        if (m.node != node_id) {
            node->terminate(m.app_id, m.user_id);
        }
    }

    void receive(const CountMessage& m) {
        update_view(m);
        if (m.owner != node_id) {
            node->subscriptions_changed(m.app_id, m.channel);
        }
        if (m.transition != Transition::None && m.by == node_id) {
            node->occupancy_changed(m.app_id, m.channel, m.transition == Transition::Added);
        }
    }

    void receive(const MemberMessage& m) {
        update_view(m);
        if (m.transition != Transition::None) {
            node->member_changed(m.app_id, m.channel, pusher::Member{m.user_id, m.user_info},
                                 m.transition == Transition::Added, m.exclude, m.by == node_id);
        }
    }

    void receive(const GoneMessage& m) {
        if (m.owner != node_id) {
            view.drop_node(m.owner);
        } else if (m.by != node_id && phase == Phase::Up) {
            spdlog::warn("cluster: node {} reaped this node; registering again", m.by);
            sync();
        }
    }

    template <class Message>
    void update_view(const Message& m) {
        if (m.owner == node_id) {
            return;
        }
        if (snapshot_pending) {
            buffered.emplace_back(m);
        } else {
            view.apply(m);
        }
    }

    RedisOptions options;
    std::string node_id;
    net::Worker loop{0};
    RedisLink cmd;
    RedisLink sub;
    boost::asio::steady_timer timer{loop.io_context()};
    Node* node = nullptr;
    View view;
    std::atomic<bool> clustered_flag{false};

    // Loop-thread state.
    Phase phase = Phase::Down;
    std::uint64_t generation = 0;
    int links_up = 0;
    std::size_t subscribed = 0;
    std::size_t pending = 0;
    std::string script_sha;
    Clock::time_point phase_started{};
    Clock::time_point last_progress{};
    Clock::time_point last_beat{};
    Clock::time_point retry_at{};
    Clock::time_point up_since{};
    milliseconds backoff = kMinBackoff;
    bool reported_down = false;
    bool ever_up = false;
    bool snapshot_pending = false;
    bool flush_posted = false;
    bool stopping = false;
    bool stopped = false;
    std::vector<std::variant<CountMessage, MemberMessage>> buffered;
    std::optional<View::Presence> outage;  // the others' members when the link was lost
    std::set<std::pair<std::string, std::string>> dirty_counts;
    std::map<std::tuple<std::string, std::string, std::string>, std::string> dirty_members;
    std::set<std::pair<std::string, std::string>> counts_in_flight;
    std::set<std::tuple<std::string, std::string, std::string>> members_in_flight;
};

RedisAdapter::RedisAdapter(RedisOptions options)
    : impl_(std::make_unique<Impl>(std::move(options))) {}

RedisAdapter::~RedisAdapter() {
    stop();
}

void RedisAdapter::start(Node& node) {
    auto& impl = *impl_;
    std::vector<std::vector<std::string>> checks;
    for (const auto& app : impl.options.apps) {
        const auto key = impl.options.prefix + "app:" + app.id;
        checks.push_back({"SET", key, fingerprint(app), "NX"});
        checks.push_back({"GET", key});
    }
    const auto replies = run_blocking(impl.options.endpoint, checks, kStartTimeout);
    for (std::size_t i = 0; i < impl.options.apps.size(); ++i) {
        const auto& app = impl.options.apps[i];
        if (replies[2 * i + 1].text != fingerprint(app)) {
            throw std::runtime_error(
                    "app '" + app.id +
                    "': its key or secret differs from the one another Herald "
                    "node registered in Redis at " +
                    describe(impl.options.endpoint) +
                    "; every node of a cluster must run the same apps with the same credentials "
                    "(after changing them on every node, delete the key " +
                    impl.options.prefix + "app:" + app.id + ")");
        }
    }
    impl.node = &node;
    impl.loop.start();
    impl.loop.post([&impl] {
        impl.connect();
        impl.arm_tick();
    });
}

void RedisAdapter::stop() {
    auto& impl = *impl_;
    if (impl.stopped || !impl.loop.running()) {
        impl.stopped = true;
        return;
    }
    std::promise<void> done;
    auto finished = done.get_future();
    impl.loop.post([&impl, &done] {
        impl.stopping = true;
        if (impl.phase != Phase::Up) {
            done.set_value();
            return;
        }
        impl.command(impl.script("bye"), [&done](const RedisValue&) { done.set_value(); });
    });
    if (finished.wait_for(kByeTimeout) != std::future_status::ready) {
        spdlog::warn(
                "cluster: Redis did not confirm this node's departure; the others will reap "
                "it when its lease expires");
    }
    abandon();
}

void RedisAdapter::abandon() {
    auto& impl = *impl_;
    if (!impl.loop.running()) {
        impl.stopped = true;
        return;
    }
    std::promise<void> closed;
    impl.loop.post([&impl, &closed] {
        impl.stopped = true;
        impl.stopping = true;
        ++impl.generation;
        impl.clustered_flag.store(false);
        impl.timer.cancel();
        impl.cmd.close();
        impl.sub.close();
        closed.set_value();
    });
    closed.get_future().wait();
    impl.loop.stop();
}

void RedisAdapter::publish(Event event) {
    impl_->loop.post([&impl = *impl_, event = std::move(event)]() mutable {
        impl.send_message(event.app_id,
                          EventMessage{impl.node_id, event.app_id, std::move(event.channel),
                                       event.exclude.value_or(""), event.event.value_or(""),
                                       event.data.value_or(""), std::move(event.payload)});
    });
}

void RedisAdapter::terminate_user(std::string_view app_id, std::string_view user_id) {
    impl_->loop.post([&impl = *impl_, app = std::string(app_id), user = std::string(user_id)] {
        impl.send_message(app, TerminateMessage{impl.node_id, app, user});
    });
}

void RedisAdapter::touch(std::string_view app_id, std::string_view channel,
                         std::optional<std::string_view> user_id, std::string_view exclude) {
    impl_->loop.post([&impl = *impl_, app = std::string(app_id), channel = std::string(channel),
                      user = user_id ? std::optional<std::string>(*user_id) : std::nullopt,
                      exclude = std::string(exclude)]() mutable {
        if (user) {
            impl.dirty_members[{std::move(app), std::move(channel), std::move(*user)}] =
                    std::move(exclude);
        } else {
            impl.dirty_counts.emplace(std::move(app), std::move(channel));
        }
        impl.schedule_flush();
    });
}

bool RedisAdapter::clustered() const noexcept {
    return impl_->clustered_flag.load();
}

const View& RedisAdapter::view() const noexcept {
    return impl_->view;
}

const std::string& RedisAdapter::node_id() const noexcept {
    return impl_->node_id;
}

}  // namespace herald::cluster
