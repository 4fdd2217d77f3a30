// herald/cluster/view.h
//
// What this node knows of the other nodes: each one's subscription count per channel and the
// presence members it holds, as last published through Redis (absolute values, so a repeated
// message changes nothing). The server adds its own exact local state to answer REST queries and
// build presence rosters without waiting on Redis.
// Owner: written by the cluster thread; read by any worker. Every method is thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "herald/cluster/wire.h"
#include "herald/pusher/member.h"

namespace herald::cluster {

struct RemoteChannel {
    std::string name;
    std::uint64_t subscriptions = 0;
    std::vector<std::string> users;  // presence channels: user ids present on other nodes
};

class View {
public:
    void apply(const CountMessage& message);
    void apply(const MemberMessage& message);
    void drop_node(std::string_view node);
    void clear();

    // Subscriptions on other nodes.
    [[nodiscard]] std::uint64_t subscriptions(std::string_view app_id,
                                              std::string_view channel) const;
    // Members present on other nodes, by user id (info of the first node seen).
    [[nodiscard]] std::vector<pusher::Member> members(std::string_view app_id,
                                                      std::string_view channel) const;
    // Every presence member on other nodes: (app id, channel) -> user id -> user_info.
    using Presence =
            std::map<std::pair<std::string, std::string>, std::map<std::string, std::string>>;
    [[nodiscard]] Presence presence() const;

    // Channels with subscriptions on other nodes whose name starts with `prefix`, by name.
    [[nodiscard]] std::vector<RemoteChannel> channels(std::string_view app_id,
                                                      std::string_view prefix) const;

private:
    struct Member {
        std::string info;
        std::set<std::string, std::less<>> nodes;
    };

    struct Channel {
        std::map<std::string, std::uint64_t, std::less<>> counts;  // by node
        std::map<std::string, Member, std::less<>> members;        // by user id

        [[nodiscard]] bool empty() const { return counts.empty() && members.empty(); }
    };

    using Channels = std::map<std::string, Channel, std::less<>>;

    mutable std::mutex mutex_;
    std::map<std::string, Channels, std::less<>> apps_;
};

}  // namespace herald::cluster
