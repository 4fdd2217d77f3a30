// herald/cluster/presence_store.cpp
#include "herald/cluster/presence_store.h"

#include <spdlog/spdlog.h>

#include "herald/util/parse.h"

namespace herald::cluster {

namespace {

constexpr char kSep = '\x1f';

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

}  // namespace

PresenceStore::PresenceStore(std::string node_id, std::chrono::milliseconds lease,
                             ClusterLink& link)
    : node_id_(std::move(node_id)), lease_(lease), link_(link) {}

void PresenceStore::attach(Node& node) noexcept {
    node_ = &node;
}

// ---- registration ----

void PresenceStore::sync() {
    dirty_counts_.clear();
    dirty_members_.clear();
    counts_in_flight_.clear();  // replies of older calls change nothing the sync does not
    members_in_flight_.clear();
    registered_.clear();
    told_.clear();  // the registration carries those changes: registered_ covers them
    std::vector<std::string> args{std::to_string(lease_.count())};
    for (auto& channel : node_->local_channels()) {
        if (channel.subscriptions > 0) {
            args.insert(args.end(), {"c", channel.app_id, channel.channel,
                                     std::to_string(channel.subscriptions)});
        }
        for (auto& m : channel.members) {
            registered_.emplace(channel.app_id, channel.channel, m.user_id);
            args.insert(args.end(), {"m", channel.app_id, channel.channel, std::move(m.user_id),
                                     std::move(m.user_info)});
        }
    }
    link_.script("sync", std::move(args), [this](const RedisValue&) { load_snapshot(); });
}

void PresenceStore::load_snapshot() {
    snapshot_pending_ = true;
    link_.script("snap", {}, [this](const RedisValue& v) { apply_snapshot(v); });
}

// The script answers [seq, node, [field, value, ...], node, [...], ...].
void PresenceStore::apply_snapshot(const RedisValue& snapshot) {
    const auto seq = snapshot.elements.empty()
                             ? std::nullopt
                             : util::parse_integer<std::uint64_t>(snapshot.elements[0].text);
    if (!seq) {
        // Without the sequence number, the messages buffered meanwhile cannot be ordered against
        // the snapshot: applying or dropping them could leave the view wrong without a trace.
        // A protocol error, then, like a refused command: the link reconnects and this node
        // registers again.
        spdlog::error("cluster: Redis answered a snapshot without a sequence number");
        snapshot_pending_ = false;
        buffered_.clear();
        link_.fail("a snapshot that does not parse");
        return;
    }
    view_.clear();
    for (std::size_t i = 1; i + 1 < snapshot.elements.size(); i += 2) {
        const auto& owner = snapshot.elements[i].text;
        if (owner == node_id_) {
            continue;
        }
        const auto& fields = snapshot.elements[i + 1].elements;
        for (std::size_t f = 0; f + 1 < fields.size(); f += 2) {
            apply_field(owner, fields[f].text, fields[f + 1].text);
        }
    }
    snapshot_pending_ = false;
    for (auto& message : buffered_) {
        std::visit(
                [&](auto& m) {
                    if (m.seq > *seq) {
                        view_.apply(m);
                    }
                },
                message);
    }
    buffered_.clear();
    reconcile();
    link_.synced();
    flush();
}

void PresenceStore::apply_field(const std::string& owner, std::string_view field,
                                const std::string& value) {
    auto parts = split_field(field);
    if (parts.size() == 3 && parts[0] == "c") {
        const auto count = util::parse_integer<std::uint64_t>(value);
        if (!count) {
            // Only the script writes these fields, always as a number. One that is not is left
            // out (that node's next count message sets it) rather than read as 0, which would
            // hide the node's subscribers; the rest of the snapshot is still good.
            spdlog::warn("cluster: ignored node {}'s count on {} in Redis: not a number", owner,
                         parts[2]);
            return;
        }
        view_.apply(CountMessage{owner, owner, 0, parts[1], parts[2], *count, Transition::None});
    } else if (parts.size() == 4 && parts[0] == "m") {
        view_.apply(MemberMessage{
                owner, owner, 0, parts[1], parts[2], parts[3], true, value, Transition::None, {}});
    }
}

// After an outage: the members of other nodes that came or went meanwhile (whose transitions
// this node missed) are announced to its local subscribers, so their rosters hold no ghosts.
void PresenceStore::reconcile() {
    View::Presence before;
    {
        const std::lock_guard lock(outage_mutex_);
        if (!outage_) {
            return;
        }
        before = std::exchange(outage_, std::nullopt).value();
    }
    const auto now = view_.presence();
    const auto announce = [this](const auto& key, const auto& from, const auto* other, bool added) {
        const auto& [app, channel] = key;
        for (const auto& [user, info] : from) {
            const bool still = other != nullptr && other->contains(user);
            if (!still && !node_->local_member(app, channel, user)) {
                node_->member_changed(app, channel, pusher::Member{user, info}, added, {}, false,
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

void PresenceStore::lost(bool was_up) {
    if (was_up) {
        const std::lock_guard lock(outage_mutex_);
        outage_ = view_.presence();  // what this node's clients were told of the others
    }
    view_.clear();
}

bool PresenceStore::member_elsewhere(std::string_view app_id, std::string_view channel,
                                     std::string_view user_id) const {
    const std::lock_guard lock(outage_mutex_);
    if (!outage_) {
        return false;
    }
    const auto it = outage_->find({std::string(app_id), std::string(channel)});
    return it != outage_->end() && it->second.contains(std::string(user_id));
}

// A transition of another node's member told to this node's subscribers before the
// registration's reconciliation: it is part of what they know, and not told again then.
void PresenceStore::remember_told(const MemberMessage& m) {
    const std::lock_guard lock(outage_mutex_);
    if (!outage_ || m.owner == node_id_ || m.transition == Transition::None) {
        return;
    }
    auto& users = (*outage_)[{m.app_id, m.channel}];
    if (m.transition == Transition::Added) {
        users[m.user_id] = m.user_info;
    } else {
        users.erase(m.user_id);
    }
}

void PresenceStore::withdraw(std::function<void()> done) {
    link_.script("bye", {}, [done = std::move(done)](const RedisValue&) { done(); });
}

// ---- local changes ----

void PresenceStore::touch(std::string app_id, std::string channel,
                          std::optional<std::string> user_id, std::string exclude, bool told) {
    if (user_id) {
        auto& dirty = dirty_members_[{std::move(app_id), std::move(channel), std::move(*user_id)}];
        dirty.exclude = std::move(exclude);
        dirty.told = dirty.told || told;
    } else {
        dirty_counts_.emplace(std::move(app_id), std::move(channel));
    }
    schedule_flush();
}

void PresenceStore::schedule_flush() {
    if (!flush_posted_ && link_.up()) {
        flush_posted_ = true;
        link_.defer([this] {
            flush_posted_ = false;
            flush();
        });
    }
}

void PresenceStore::schedule_flush_if_dirty() {
    if (!dirty_counts_.empty() || !dirty_members_.empty()) {
        schedule_flush();
    }
}

// One script call per dirty key, and at most one in flight per key: changes that arrive
// meanwhile merge into the next call (the values are absolute), so a burst of subscriptions to
// one channel costs one call per Redis round trip, not one per subscription.
void PresenceStore::flush() {
    if (!link_.up()) {
        return;
    }
    for (auto it = dirty_counts_.begin(); it != dirty_counts_.end();) {
        if (!counts_in_flight_.insert(*it).second) {
            ++it;
            continue;
        }
        const auto& [app, channel] = *it;
        link_.script("count",
                     {app, channel, std::to_string(node_->local_subscriptions(app, channel))},
                     [this, key = *it](const RedisValue& v) {
                         counts_in_flight_.erase(key);
                         check_leased(v);
                         schedule_flush_if_dirty();
                     });
        it = dirty_counts_.erase(it);
    }
    for (auto it = dirty_members_.begin(); it != dirty_members_.end();) {
        if (!members_in_flight_.insert(it->first).second) {
            ++it;
            continue;
        }
        const auto& [app, channel, user] = it->first;
        const auto info = node_->local_member(app, channel, user);
        if (it->second.told) {
            told_.insert(it->first);
        } else {
            told_.erase(it->first);
        }
        link_.script("member",
                     {app, channel, user, info ? "1" : "0", info.value_or(""), it->second.exclude},
                     [this, key = it->first](const RedisValue& v) {
                         members_in_flight_.erase(key);
                         check_leased(v);
                         schedule_flush_if_dirty();
                     });
        it = dirty_members_.erase(it);
    }
}

void PresenceStore::check_leased(const RedisValue& reply) {
    if (reply.integer == 0 && link_.up() && !snapshot_pending_) {
        spdlog::warn("cluster: Redis no longer holds this node's lease; registering again");
        link_.resync();
    }
}

// ---- what the script publishes ----

void PresenceStore::receive(const PresenceMessage& message) {
    std::visit([this](const auto& m) { receive_one(m); }, message);
}

void PresenceStore::receive_one(const CountMessage& m) {
    update_view(m);
    if (m.owner != node_id_) {
        node_->subscriptions_changed(m.app_id, m.channel, m.by == node_id_);
    }
    if (m.transition != Transition::None && m.by == node_id_) {
        node_->occupancy_changed(m.app_id, m.channel, m.transition == Transition::Added);
    }
}

void PresenceStore::receive_one(const MemberMessage& m) {
    update_view(m);
    // The first message about a member this node's registration carried is the registration's
    // own: its subscribers were told of that member already (by the channel table while the node
    // was alone, or by the cluster before an outage), so an addition is for the others only.
    const auto key = std::make_tuple(m.app_id, m.channel, m.user_id);
    const bool own = m.owner == node_id_ && m.by == node_id_;
    const bool registered = own && registered_.erase(key) > 0;
    const bool told = own && told_.erase(key) > 0;
    if (m.transition != Transition::None) {
        const bool added = m.transition == Transition::Added;
        remember_told(m);
        node_->member_changed(m.app_id, m.channel, pusher::Member{m.user_id, m.user_info}, added,
                              m.exclude, m.by == node_id_, (registered && added) || told);
    }
}

void PresenceStore::receive_one(const GoneMessage& m) {
    if (m.owner != node_id_) {
        view_.drop_node(m.owner);
    } else if (m.by != node_id_ && link_.up()) {
        spdlog::warn("cluster: node {} reaped this node; registering again", m.by);
        link_.resync();
    }
}

template <class Message>
void PresenceStore::update_view(const Message& m) {
    if (m.owner == node_id_) {
        return;
    }
    if (snapshot_pending_) {
        buffered_.emplace_back(m);
    } else {
        view_.apply(m);
    }
}

}  // namespace herald::cluster
