// herald/server/cluster_node.cpp
#include "herald/server/cluster_node.h"

#include <spdlog/spdlog.h>

#include "herald/pusher/channel.h"
#include "herald/pusher/server_message.h"

namespace herald::server {

std::optional<std::size_t> ClusterNode::index_of(std::string_view app_id) const {
    auto slot = hub_.apps().slot_of(app_id);
    if (!slot || !hub_.apps().at(*slot)) {
        return std::nullopt;  // not an app of this node (any more)
    }
    return slot;
}

void ClusterNode::deliver(const cluster::Event& event) {
    hub_.deliver_from_cluster(event);
}

void ClusterNode::terminate(std::string_view app_id, std::string_view user_id) {
    if (const auto app = index_of(app_id)) {
        hub_.terminate_on_this_node(*app, user_id);
    }
}

void ClusterNode::member_changed(std::string_view app_id, std::string_view channel,
                                 const pusher::Member& member, bool added, std::string_view exclude,
                                 bool decided_here, bool told_here) {
    const auto app = index_of(app_id);
    if (!app) {
        return;
    }
    if (channel == kOnlineChannel) {
        if (!told_here) {
            hub_.watched_user_changed(*app, member.user_id, added);
        }
        return;
    }
    if (events_ != nullptr && decided_here) {
        if (added) {
            events_->member_added(*app, channel, member.user_id);
        } else {
            events_->member_removed(*app, channel, member.user_id);
        }
    }
    if (told_here) {
        return;
    }
    const auto name = std::string(channel);
    auto message = added ? pusher::member_added(name, member)
                         : pusher::member_removed(name, member.user_id);
    hub_.deliver_on_this_node(*app, name, std::move(message),
                              exclude.empty() ? std::nullopt : std::optional<std::string>(exclude));
}

void ClusterNode::subscriptions_changed(std::string_view app_id, std::string_view channel,
                                        bool decided_here) {
    if (const auto app = index_of(app_id)) {
        hub_.count_subscriptions(*app, std::string(channel), decided_here);
    }
}

void ClusterNode::occupancy_changed(std::string_view app_id, std::string_view channel,
                                    bool occupied) {
    spdlog::debug("cluster: app {} channel {} {}", app_id, channel,
                  occupied ? "occupied" : "vacated");
    const auto app = index_of(app_id);
    if (events_ == nullptr || !app || channel.starts_with(pusher::kServerToUserPrefix)) {
        return;
    }
    if (occupied) {
        events_->channel_occupied(*app, channel);
    } else {
        events_->channel_vacated(*app, channel);
    }
}

std::uint64_t ClusterNode::local_subscriptions(std::string_view app_id, std::string_view channel) {
    const auto app = index_of(app_id);
    return app ? hub_.subscriptions_on_this_node(*app, channel) : 0;
}

std::optional<std::string> ClusterNode::local_member(std::string_view app_id,
                                                     std::string_view channel,
                                                     std::string_view user_id) {
    const auto app = index_of(app_id);
    if (!app) {
        return std::nullopt;
    }
    if (channel == kOnlineChannel) {
        return hub_.signed_in_on_this_node(*app, user_id) ? std::optional<std::string>("{}")
                                                          : std::nullopt;
    }
    return hub_.member_on_this_node(*app, channel, user_id);
}

std::vector<cluster::LocalChannel> ClusterNode::local_channels() {
    std::vector<cluster::LocalChannel> out;
    for (auto& item : hub_.channels_on_this_node()) {
        if (item.channel.starts_with(pusher::kServerToUserPrefix)) {
            continue;
        }
        out.push_back(cluster::LocalChannel{hub_.apps().id_of(item.app), std::move(item.channel),
                                            item.subscriptions, std::move(item.members)});
    }
    for (const auto& [app, id] : hub_.apps().live_slots()) {
        cluster::LocalChannel online{id, std::string(kOnlineChannel), 0, {}};
        for (auto& user : hub_.users_on_this_node(app)) {
            online.members.push_back(pusher::Member{std::move(user), "{}"});
        }
        if (!online.members.empty()) {
            out.push_back(std::move(online));
        }
    }
    return out;
}

}  // namespace herald::server
