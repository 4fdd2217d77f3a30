// herald/cluster/view.cpp
#include "herald/cluster/view.h"

namespace herald::cluster {

void View::apply(const CountMessage& message) {
    const std::lock_guard lock(mutex_);
    auto& channels = apps_[message.app_id];
    auto& channel = channels[message.channel];
    if (message.count > 0) {
        channel.counts[message.owner] = message.count;
    } else {
        channel.counts.erase(message.owner);
    }
    if (channel.empty()) {
        channels.erase(message.channel);
    }
}

void View::apply(const MemberMessage& message) {
    const std::lock_guard lock(mutex_);
    auto& channels = apps_[message.app_id];
    auto& channel = channels[message.channel];
    if (message.present) {
        auto& member = channel.members[message.user_id];
        if (member.nodes.empty()) {
            member.info = message.user_info;
        }
        member.nodes.insert(message.owner);
    } else if (const auto it = channel.members.find(message.user_id); it != channel.members.end()) {
        it->second.nodes.erase(message.owner);
        if (it->second.nodes.empty()) {
            channel.members.erase(it);
        }
    }
    if (channel.empty()) {
        channels.erase(message.channel);
    }
}

void View::drop_node(std::string_view node) {
    const std::lock_guard lock(mutex_);
    for (auto& [app, channels] : apps_) {
        for (auto it = channels.begin(); it != channels.end();) {
            auto& channel = it->second;
            if (const auto c = channel.counts.find(node); c != channel.counts.end()) {
                channel.counts.erase(c);
            }
            for (auto m = channel.members.begin(); m != channel.members.end();) {
                m->second.nodes.erase(std::string(node));
                m = m->second.nodes.empty() ? channel.members.erase(m) : std::next(m);
            }
            it = channel.empty() ? channels.erase(it) : std::next(it);
        }
    }
}

void View::clear() {
    const std::lock_guard lock(mutex_);
    apps_.clear();
}

std::uint64_t View::subscriptions(std::string_view app_id, std::string_view channel) const {
    const std::lock_guard lock(mutex_);
    const auto app = apps_.find(app_id);
    if (app == apps_.end()) {
        return 0;
    }
    const auto it = app->second.find(channel);
    std::uint64_t total = 0;
    if (it != app->second.end()) {
        for (const auto& [node, count] : it->second.counts) {
            total += count;
        }
    }
    return total;
}

std::vector<pusher::Member> View::members(std::string_view app_id, std::string_view channel) const {
    const std::lock_guard lock(mutex_);
    std::vector<pusher::Member> out;
    const auto app = apps_.find(app_id);
    if (app == apps_.end()) {
        return out;
    }
    const auto it = app->second.find(channel);
    if (it != app->second.end()) {
        for (const auto& [user, member] : it->second.members) {
            out.push_back(pusher::Member{user, member.info});
        }
    }
    return out;
}

View::Presence View::presence() const {
    const std::lock_guard lock(mutex_);
    Presence out;
    for (const auto& [app, channels] : apps_) {
        for (const auto& [name, channel] : channels) {
            if (channel.members.empty()) {
                continue;
            }
            auto& users = out[{app, name}];
            for (const auto& [user, member] : channel.members) {
                users.emplace(user, member.info);
            }
        }
    }
    return out;
}

std::vector<RemoteChannel> View::channels(std::string_view app_id, std::string_view prefix) const {
    const std::lock_guard lock(mutex_);
    std::vector<RemoteChannel> out;
    const auto app = apps_.find(app_id);
    if (app == apps_.end()) {
        return out;
    }
    for (auto it = app->second.lower_bound(prefix);
         it != app->second.end() && it->first.starts_with(prefix); ++it) {
        RemoteChannel remote{it->first, 0, {}};
        for (const auto& [node, count] : it->second.counts) {
            remote.subscriptions += count;
        }
        if (remote.subscriptions == 0) {
            continue;
        }
        for (const auto& [user, member] : it->second.members) {
            remote.users.push_back(user);
        }
        out.push_back(std::move(remote));
    }
    return out;
}

}  // namespace herald::cluster
