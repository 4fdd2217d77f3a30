// herald/server/cluster_node.h
//
// The server as the cluster sees it (cluster::Node): what other nodes publish goes to the hub's
// delivery on this node, cluster-wide member transitions become member_added/removed for this
// node's subscribers, and the node's exact own state is read from the hub.
// Owner: the server; its methods run on the cluster thread and only post work to the workers.
#pragma once

#include "herald/cluster/adapter.h"
#include "herald/server/hub.h"

namespace herald::server {

class ClusterNode final : public cluster::Node {
public:
    explicit ClusterNode(Hub& hub) : hub_(hub) {}

    // Where the cluster-wide occupancy and member transitions go as webhooks (null: nowhere).
    // In a cluster these replace the hub's node-wide ones (Hub::leave_occupancy_events_to_cluster):
    // each is decided once, on one node. Set before the cluster starts.
    void set_events(ChannelEvents* events) noexcept { events_ = events; }

    void deliver(const cluster::Event& event) override;
    void terminate(std::string_view app_id, std::string_view user_id) override;
    void member_changed(std::string_view app_id, std::string_view channel,
                        const pusher::Member& member, bool added, std::string_view exclude,
                        bool decided_here, bool told_here) override;
    void subscriptions_changed(std::string_view app_id, std::string_view channel,
                               bool decided_here) override;
    void occupancy_changed(std::string_view app_id, std::string_view channel,
                           bool occupied) override;

    [[nodiscard]] std::uint64_t local_subscriptions(std::string_view app_id,
                                                    std::string_view channel) override;
    [[nodiscard]] std::optional<std::string> local_member(std::string_view app_id,
                                                          std::string_view channel,
                                                          std::string_view user_id) override;
    [[nodiscard]] std::vector<cluster::LocalChannel> local_channels() override;

private:
    // The app's index, or nullopt for an app this node does not serve.
    [[nodiscard]] std::optional<std::size_t> index_of(std::string_view app_id) const;

    Hub& hub_;
    ChannelEvents* events_ = nullptr;
};

}  // namespace herald::server
