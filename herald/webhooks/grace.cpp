#include "herald/webhooks/grace.h"

#include <utility>

namespace herald::webhooks {

GraceFilter::GraceFilter(Clock::duration grace, Clock::duration cache_miss_interval)
    : grace_(grace), cache_miss_interval_(cache_miss_interval) {}

std::string GraceFilter::key_of(const AppEvent& item) {
    // A removal and the addition that cancels it share a key; '\n' appears in no channel name
    // (§6.2), so the parts cannot run into each other.
    auto key = std::to_string(item.app);
    key += '\n';
    key += item.event.channel;
    const auto type = item.event.type;
    if (type == EventType::MemberAdded || type == EventType::MemberRemoved) {
        key += '\n';
        key += item.event.user_id;
    }
    return key;
}

bool GraceFilter::cancel(const std::string& key) {
    const auto it = index_.find(key);
    if (it == index_.end()) {
        return false;
    }
    held_.erase(it->second);
    index_.erase(it);
    return true;
}

bool GraceFilter::first_cache_miss(const AppEvent& item, Clock::time_point now) {
    if (now - cache_misses_swept_ >= cache_miss_interval_) {
        std::erase_if(cache_misses_, [&](const auto& entry) {
            return now - entry.second >= cache_miss_interval_;
        });
        cache_misses_swept_ = now;
    }
    auto [it, inserted] = cache_misses_.try_emplace(key_of(item), now);
    if (inserted) {
        return true;
    }
    if (now - it->second >= cache_miss_interval_) {
        it->second = now;
        return true;
    }
    return false;
}

void GraceFilter::push(AppEvent item, Clock::time_point now, std::vector<AppEvent>& out) {
    switch (item.event.type) {
        case EventType::ChannelVacated:
        case EventType::MemberRemoved: {
            if (grace_ <= Clock::duration::zero()) {
                out.push_back(std::move(item));
                return;
            }
            auto key = key_of(item);
            cancel(key);  // cannot happen twice without an addition between; be safe anyway
            held_.push_back(Held{key, std::move(item), now + grace_});
            index_.emplace(std::move(key), std::prev(held_.end()));
            return;
        }
        case EventType::ChannelOccupied:
        case EventType::MemberAdded:
            if (cancel(key_of(item))) {
                return;  // back within the delay: neither the removal nor this addition is sent
            }
            break;
        case EventType::CacheMiss:
            if (!first_cache_miss(item, now)) {
                return;
            }
            break;
        case EventType::ClientEvent:
        case EventType::SubscriptionCount:
            break;
    }
    out.push_back(std::move(item));
}

void GraceFilter::release_due(Clock::time_point now, std::vector<AppEvent>& out) {
    while (!held_.empty() && held_.front().due <= now) {
        index_.erase(held_.front().key);
        out.push_back(std::move(held_.front().item));
        held_.pop_front();
    }
}

void GraceFilter::release_all(std::vector<AppEvent>& out) {
    for (auto& held : held_) {
        out.push_back(std::move(held.item));
    }
    held_.clear();
    index_.clear();
}

std::optional<Clock::time_point> GraceFilter::next_due() const {
    if (held_.empty()) {
        return std::nullopt;
    }
    return held_.front().due;
}

}  // namespace herald::webhooks
