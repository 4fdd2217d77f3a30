// herald/server/local_channels.h
//
// One worker's subscribers, by app and channel: what a publication walks on that worker. A
// subscription is a node threaded on its channel's list, so joining and leaving are O(1) and a
// delivery allocates nothing. Lists emptied during a delivery are dropped after it.
// Owner: one worker (every method on its thread; the first call binds it, checked in the builds
// that test).
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "herald/net/intrusive_list.h"
#include "herald/util/assert.h"

namespace herald::server {

class Connection;
struct ChannelListTag;

struct Subscription : net::ListHook<ChannelListTag> {
    Subscription(Connection* owner, std::string name)
        : connection(owner), channel(std::move(name)) {}

    Connection* connection;
    std::string channel;
    std::optional<std::string> user_id;  // presence: the member this connection counts for
};

class LocalChannels {
public:
    using List = net::IntrusiveList<Subscription, ChannelListTag>;

    explicit LocalChannels(std::size_t apps) : apps_(apps) {}

    void add(std::size_t app, Subscription& subscription);
    void remove(std::size_t app, Subscription& subscription);

    // fn(Subscription&) for each subscriber of the channel; fn may unsubscribe or close any.
    template <class Fn>
    void for_each(std::size_t app, std::string_view channel, Fn&& fn) {
        walk(app, channel, [&](List& list) { list.for_each(fn); });
    }

    // for_each() with the list's for_each_prefetching<Depth>(fn, ahead).
    template <std::size_t Depth, class Fn, class Ahead>
    void for_each_prefetching(std::size_t app, std::string_view channel, Fn&& fn, Ahead&& ahead) {
        walk(app, channel,
             [&](List& list) { list.template for_each_prefetching<Depth>(fn, ahead); });
    }

    [[nodiscard]] std::size_t channel_count(std::size_t app) const { return apps_[app].size(); }

private:
    struct Hash {
        using is_transparent = void;

        std::size_t operator()(std::string_view s) const noexcept {
            return std::hash<std::string_view>{}(s);
        }
    };

    using Map = std::unordered_map<std::string, List, Hash, std::equal_to<>>;

    void drop_empty();

    // Runs visit(List&) on the channel's subscribers, if any; lists it empties go afterwards.
    template <class Visit>
    void walk(std::size_t app, std::string_view channel, Visit&& visit) {
        check_owner();
        const auto it = apps_[app].find(channel);
        if (it == apps_[app].end()) {
            return;
        }
        ++walking_;
        visit(it->second);
        --walking_;
        if (walking_ == 0) {
            drop_empty();
        }
    }

    // The hub makes every worker's LocalChannels on the server thread; the worker that first
    // uses one is its owner.
    void check_owner() noexcept {
        if constexpr (util::kAssertions) {
            if (!owner_bound_) {
                owner_.bind();
                owner_bound_ = true;
            }
            HERALD_ASSERT_OWNER(owner_);
        }
    }

    std::vector<Map> apps_;
    std::vector<std::pair<std::size_t, std::string>> emptied_;
    int walking_ = 0;
    util::OwnerThread owner_;
    bool owner_bound_ = false;
};

}  // namespace herald::server
