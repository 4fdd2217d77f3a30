// herald/server/subscription_set.h
//
// A connection's subscriptions, sorted by channel name in one vector: a connection has a handful
// (at most the app's max_channels_per_connection), and a vector of pointers costs a few bytes
// per subscription where a hash map costs a node, a copy of the name and a bucket array.
// Owner: its Connection, on the connection's worker.
#pragma once

#include <algorithm>
#include <cstddef>
#include <memory>
#include <string_view>
#include <vector>

#include "herald/server/local_channels.h"

namespace herald::server {

class SubscriptionSet {
public:
    // The subscription to `channel`, or null.
    [[nodiscard]] Subscription* find(std::string_view channel) const noexcept {
        const auto it = lower_bound(channel);
        return it != items_.end() && (*it)->channel == channel ? it->get() : nullptr;
    }

    [[nodiscard]] bool contains(std::string_view channel) const noexcept {
        return find(channel) != nullptr;
    }

    // Adds a subscription to a channel not yet in the set.
    void insert(std::unique_ptr<Subscription> subscription) {
        const auto it = lower_bound(subscription->channel);
        items_.insert(it, std::move(subscription));
    }

    // Removes the subscription to `channel` (nothing if there is none).
    void erase(std::string_view channel) {
        const auto it = lower_bound(channel);
        if (it != items_.end() && (*it)->channel == channel) {
            items_.erase(it);
        }
    }

    [[nodiscard]] std::size_t size() const noexcept { return items_.size(); }

    [[nodiscard]] bool empty() const noexcept { return items_.empty(); }

    // The last subscription (the set must not be empty): what a closing connection leaves first.
    [[nodiscard]] Subscription& back() const noexcept { return *items_.back(); }

private:
    using Items = std::vector<std::unique_ptr<Subscription>>;

    [[nodiscard]] Items::const_iterator lower_bound(std::string_view channel) const noexcept {
        return std::lower_bound(items_.begin(), items_.end(), channel,
                                [](const std::unique_ptr<Subscription>& item, std::string_view c) {
                                    return std::string_view(item->channel) < c;
                                });
    }

    Items items_;
};

}  // namespace herald::server
