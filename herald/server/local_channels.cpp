#include "herald/server/local_channels.h"

namespace herald::server {

void LocalChannels::add(std::size_t app, Subscription& subscription) {
    check_owner();
    auto& map = apps_[app];
    auto it = map.find(subscription.channel);
    if (it == map.end()) {
        it = map.try_emplace(subscription.channel).first;
    }
    it->second.push_back(subscription);
}

void LocalChannels::remove(std::size_t app, Subscription& subscription) {
    check_owner();
    auto& map = apps_[app];
    const auto it = map.find(subscription.channel);
    if (it == map.end()) {
        return;
    }
    it->second.remove(subscription);
    if (!it->second.empty()) {
        return;
    }
    if (walking_ > 0) {
        emptied_.emplace_back(app, subscription.channel);  // a delivery may be walking this list
    } else {
        map.erase(it);
    }
}

void LocalChannels::drop_empty() {
    for (const auto& [app, channel] : emptied_) {
        const auto it = apps_[app].find(channel);
        if (it != apps_[app].end() && it->second.empty()) {
            apps_[app].erase(it);
        }
    }
    emptied_.clear();
}

}  // namespace herald::server
