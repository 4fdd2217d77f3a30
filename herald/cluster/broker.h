// herald/cluster/broker.h
//
// Publications between nodes over Redis Pub/Sub. Outbound: a publication or termination goes to
// its app's channel as a wire message (wire.h), while the node is in the cluster; one made while
// Redis is away is not replayed later (local delivery already happened, and Pusher promises no
// more). Inbound: a message on the channels is decoded and dispatched, publications and
// terminations of other nodes to the Node, the cluster script's messages to the presence store.
// Owner: the cluster thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "herald/cluster/adapter.h"
#include "herald/cluster/cluster_link.h"
#include "herald/cluster/wire.h"

namespace herald::cluster {

class Broker {
public:
    using PresenceHandler = std::function<void(const PresenceMessage&)>;

    Broker(std::string node_id, std::string prefix, ClusterLink& link, PresenceHandler presence);

    // The Pub/Sub channels a node subscribes to: the control channel (departures) and one per app.
    [[nodiscard]] static std::vector<std::string> channels(std::string_view prefix,
                                                           const std::vector<std::string>& app_ids);

    // The node that receives what other nodes publish; before any message arrives.
    void attach(Node& node) noexcept;

    void publish(Event event);
    void terminate_user(std::string app_id, std::string user_id);

    // A message that arrived on `channel`.
    void receive(std::string_view channel, std::string_view payload);

    // Publications and terminations sent to the other nodes, and received from them; any thread.
    [[nodiscard]] std::uint64_t sent() const noexcept { return sent_.load(); }

    [[nodiscard]] std::uint64_t received() const noexcept { return received_.load(); }

private:
    void send(const std::string& app_id, const WireMessage& message);

    std::string node_id_;
    std::string prefix_;
    ClusterLink& link_;
    PresenceHandler presence_;
    Node* node_ = nullptr;
    std::atomic<std::uint64_t> sent_{0};
    std::atomic<std::uint64_t> received_{0};
};

}  // namespace herald::cluster
