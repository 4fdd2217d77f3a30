#include "herald/server/channel_table.h"

#include <algorithm>
#include <string_view>

#include "herald/util/assert.h"
#include "herald/util/parse.h"

namespace herald::server {

std::string ChannelTable::key(std::size_t app, std::string_view channel) {
    // The app index and a separator no channel name may contain (§6.2) keep apps apart.
    auto k = std::to_string(app);
    k += ' ';
    k += channel;
    return k;
}

ChannelTable::Shard& ChannelTable::shard(std::string_view key) noexcept {
    return shards_[KeyHash{}(key) % kShards];
}

void ChannelTable::forget_if_idle(Shard& shard, const std::string& key, Record& record) {
    const bool cached = record.cache && record.cache_expires > SteadyClock::now();
    if (record.subscriptions == 0 && !cached) {
        shard.records.erase(key);
    }
}

JoinResult ChannelTable::join(const JoinRequest& request) {
    const auto k = key(request.app, request.channel);
    auto& s = shard(k);
    const std::lock_guard lock(s.mutex);
    auto& record = s.records[k];
    JoinResult result;
    if (request.member != nullptr) {
        auto it = record.members.find(request.member->user_id);
        if (it == record.members.end()) {
            if (record.members.size() >= request.max_members) {
                result.refused = true;
                forget_if_idle(s, k, record);
                return result;
            }
            it = record.members
                         .emplace(request.member->user_id,
                                  PresenceEntry{request.member->user_info, 0})
                         .first;
            result.member_added = true;
        }
        ++it->second.connections;
        result.roster.reserve(record.members.size());
        for (const auto& [id, entry] : record.members) {
            result.roster.push_back(pusher::Member{id, entry.user_info});
        }
    }
    if (record.per_worker.empty()) {
        record.per_worker.resize(workers_);
    }
    ++record.per_worker[request.worker];
    record.worker_mask |= std::uint64_t{1} << request.worker;
    result.subscriptions = ++record.subscriptions;
    if (events_ != nullptr) {
        if (result.subscriptions == 1) {
            events_->channel_occupied(request.app, request.channel);
        }
        if (result.member_added) {
            events_->member_added(request.app, request.channel, request.member->user_id);
        }
    }
    if (record.cache && record.cache_expires > SteadyClock::now()) {
        result.cache = record.cache;
    }
    return result;
}

LeaveResult ChannelTable::leave(std::size_t app, std::string_view channel, std::size_t worker,
                                const std::string* user_id) {
    const auto k = key(app, channel);
    auto& s = shard(k);
    const std::lock_guard lock(s.mutex);
    LeaveResult result;
    const auto found = s.records.find(k);
    if (found == s.records.end() || found->second.per_worker.empty() ||
        found->second.per_worker[worker] == 0) {
        return result;
    }
    auto& record = found->second;
    if (--record.per_worker[worker] == 0) {
        record.worker_mask &= ~(std::uint64_t{1} << worker);
    }
    result.subscriptions = --record.subscriptions;
    if (user_id != nullptr) {
        const auto it = record.members.find(*user_id);
        if (it != record.members.end() && --it->second.connections == 0) {
            record.members.erase(it);
            result.member_removed = true;
            if (events_ != nullptr) {
                events_->member_removed(app, channel, *user_id);
            }
        }
    }
    if (events_ != nullptr && result.subscriptions == 0) {
        events_->channel_vacated(app, channel);
    }
    forget_if_idle(s, k, record);
    return result;
}

std::uint64_t ChannelTable::workers_with(std::size_t app, std::string_view channel) {
    const auto k = key(app, channel);
    auto& s = shard(k);
    const std::lock_guard lock(s.mutex);
    const auto it = s.records.find(k);
    return it == s.records.end() ? 0 : it->second.worker_mask;
}

void ChannelTable::remember(std::size_t app, std::string_view channel, CachedEvent event,
                            SteadyClock::time_point expires) {
    const auto k = key(app, channel);
    auto& s = shard(k);
    const std::lock_guard lock(s.mutex);
    auto& record = s.records[k];
    record.cache = std::move(event);
    record.cache_expires = expires;
}

CountDecision ChannelTable::decide_count(std::size_t app, std::string_view channel,
                                         SteadyClock::time_point now, std::uint64_t throttle_above,
                                         SteadyClock::duration interval, std::uint64_t elsewhere) {
    const auto k = key(app, channel);
    auto& s = shard(k);
    const std::lock_guard lock(s.mutex);
    CountDecision decision;
    const auto it = s.records.find(k);
    if (it == s.records.end()) {
        return decision;
    }
    auto& record = it->second;
    decision.count = record.subscriptions + elsewhere;
    if (record.count_pending) {
        return decision;  // the deferred update will carry this change too
    }
    if (decision.count <= throttle_above || now - record.count_sent >= interval) {
        record.count_sent = now;
        decision.send_now = true;
    } else {
        record.count_pending = true;
        decision.deferred = true;
        decision.due = record.count_sent + interval;
    }
    return decision;
}

std::optional<std::uint64_t> ChannelTable::release_count(std::size_t app, std::string_view channel,
                                                         SteadyClock::time_point now) {
    const auto k = key(app, channel);
    auto& s = shard(k);
    const std::lock_guard lock(s.mutex);
    const auto it = s.records.find(k);
    if (it == s.records.end() || !it->second.count_pending) {
        return std::nullopt;
    }
    it->second.count_pending = false;
    it->second.count_sent = now;
    return it->second.subscriptions;
}

ChannelState ChannelTable::state(std::size_t app, std::string_view channel) {
    const auto k = key(app, channel);
    auto& s = shard(k);
    const std::lock_guard lock(s.mutex);
    ChannelState state;
    const auto it = s.records.find(k);
    if (it == s.records.end()) {
        return state;
    }
    const auto& record = it->second;
    state.occupied = record.subscriptions > 0;
    state.subscription_count = record.subscriptions;
    state.user_count = record.members.size();
    const auto now = SteadyClock::now();
    if (record.cache && record.cache_expires > now) {
        state.cache = record.cache;
        state.cache_ttl_seconds = static_cast<std::uint64_t>(
                std::chrono::ceil<std::chrono::seconds>(record.cache_expires - now).count());
    }
    return state;
}

std::vector<ChannelSummary> ChannelTable::occupied(std::size_t app, std::string_view prefix) {
    const auto head = key(app, prefix);
    const auto app_part = key(app, {}).size();
    std::vector<ChannelSummary> out;
    for (auto& s : shards_) {
        const std::lock_guard lock(s.mutex);
        for (const auto& [k, record] : s.records) {
            if (record.subscriptions > 0 && k.starts_with(head)) {
                out.push_back(ChannelSummary{k.substr(app_part), record.members.size(),
                                             record.subscriptions});
            }
        }
    }
    std::sort(out.begin(), out.end(),
              [](const ChannelSummary& a, const ChannelSummary& b) { return a.name < b.name; });
    return out;
}

std::vector<std::string> ChannelTable::members(std::size_t app, std::string_view channel) {
    const auto k = key(app, channel);
    auto& s = shard(k);
    const std::lock_guard lock(s.mutex);
    std::vector<std::string> out;
    const auto it = s.records.find(k);
    if (it != s.records.end()) {
        for (const auto& entry : it->second.members) {
            out.push_back(entry.first);
        }
    }
    return out;
}

std::optional<std::string> ChannelTable::member_info(std::size_t app, std::string_view channel,
                                                     std::string_view user_id) {
    const auto k = key(app, channel);
    auto& s = shard(k);
    const std::lock_guard lock(s.mutex);
    const auto it = s.records.find(k);
    if (it == s.records.end()) {
        return std::nullopt;
    }
    const auto member = it->second.members.find(user_id);
    if (member == it->second.members.end()) {
        return std::nullopt;
    }
    return member->second.user_info;
}

std::vector<ChannelTable::Snapshot> ChannelTable::snapshot() {
    std::vector<Snapshot> out;
    for (auto& s : shards_) {
        const std::lock_guard lock(s.mutex);
        for (const auto& [k, record] : s.records) {
            if (record.subscriptions == 0) {
                continue;
            }
            // Every key comes from key() (the app index in decimal, a space, the channel), so the
            // index always parses; value_or keeps release builds, which drop the assertion,
            // well defined all the same.
            const std::string_view key_text = k;
            const auto space = key_text.find(' ');
            const auto app = util::parse_integer<std::size_t>(key_text.substr(0, space));
            HERALD_ASSERT(app.has_value());
            Snapshot item{app.value_or(0), k.substr(space + 1), record.subscriptions, {}};
            for (const auto& [user, entry] : record.members) {
                item.members.push_back(pusher::Member{user, entry.user_info});
            }
            out.push_back(std::move(item));
        }
    }
    return out;
}

}  // namespace herald::server
