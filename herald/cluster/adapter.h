// herald/cluster/adapter.h
//
// What crosses nodes (docs/decisions/0004-cluster-over-redis.md): the server hands the adapter its
// publications, terminations and "this channel's local state changed" notices; the adapter tells
// the server, through Node, what other nodes published and which cluster-wide transitions
// (member_added/removed, occupied/vacated) happened, and asks it for the node's exact local state.
// `LocalAdapter` is one node alone; `RedisAdapter` shares state through Redis.
// Owner: the server. Adapter methods are thread-safe; Node methods are called on the cluster
// thread and must only post work to the workers.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "herald/cluster/view.h"
#include "herald/pusher/member.h"

namespace herald::cluster {

struct Event {
    std::string app_id;
    std::string channel;
    std::string payload;                 // the complete server message
    std::optional<std::string> exclude;  // socket id that must not receive it
    std::optional<std::string> event;    // cache channels: remembered by every node
    std::optional<std::string> data;
};

// One channel of this node, for re-registering after Redis comes back.
struct LocalChannel {
    std::string app_id;
    std::string channel;
    std::uint64_t subscriptions = 0;
    std::vector<pusher::Member> members;  // presence: one per user with a connection here
};

class Node {
public:
    virtual ~Node() = default;

    // A publication of another node: deliver to the local subscribers (and remember it on cache
    // channels).
    virtual void deliver(const Event& event) = 0;
    virtual void terminate(std::string_view app_id, std::string_view user_id) = 0;
    // A cluster-wide member_added (added) or member_removed, for the local subscribers except
    // the connection `exclude`. Called on every node; `decided_here` on exactly one of them (the
    // node whose change, or whose reaping of a dead node, caused it: where webhooks fire).
    // `told_here`: this node's subscribers heard of it already (a member of this node that its
    // registration added to the cluster), so only the webhooks remain to do.
    virtual void member_changed(std::string_view app_id, std::string_view channel,
                                const pusher::Member& member, bool added, std::string_view exclude,
                                bool decided_here, bool told_here) = 0;
    // Another node's subscription count on a channel changed (the view holds it already).
    // `decided_here`: this node made the change (it reaped the node whose count it was), so the
    // subscription_count webhook for it goes out from here, as from no other node.
    virtual void subscriptions_changed(std::string_view app_id, std::string_view channel,
                                       bool decided_here) = 0;
    // A channel became occupied or vacated cluster-wide; called on exactly one node (the one
    // whose change, or whose reaping of a dead node, caused it).
    virtual void occupancy_changed(std::string_view app_id, std::string_view channel,
                                   bool occupied) = 0;

    [[nodiscard]] virtual std::uint64_t local_subscriptions(std::string_view app_id,
                                                            std::string_view channel) = 0;
    // The user's user_info while it has a connection in the channel on this node.
    [[nodiscard]] virtual std::optional<std::string> local_member(std::string_view app_id,
                                                                  std::string_view channel,
                                                                  std::string_view user_id) = 0;
    [[nodiscard]] virtual std::vector<LocalChannel> local_channels() = 0;
};

class Adapter {
public:
    virtual ~Adapter() = default;

    // Checks the configuration (throws std::runtime_error with a precise message) and begins.
    virtual void start(Node& node) = 0;
    // Withdraws this node's state from the cluster and stops. Idempotent.
    virtual void stop() = 0;

    // Sends a publication (already delivered locally) to the other nodes.
    virtual void publish(Event event) = 0;
    virtual void terminate_user(std::string_view app_id, std::string_view user_id) = 0;
    // The node's subscription count on a channel, or a user's presence on it, may have changed.
    // `told`: the server decided that presence change itself (not clustered) and told its
    // subscribers, so the cluster's transition for it is not told to them again.
    virtual void touch(std::string_view app_id, std::string_view channel,
                       std::optional<std::string_view> user_id = std::nullopt,
                       std::string_view exclude = {}, bool told = false) = 0;

    // While not clustered after an outage: whether this node's subscribers were last told that
    // `user_id` is a member of the channel through another node, so that a local join or leave
    // of that user changes nothing they see. Any thread.
    [[nodiscard]] virtual bool member_elsewhere(std::string_view /*app_id*/,
                                                std::string_view /*channel*/,
                                                std::string_view /*user_id*/) const {
        return false;
    }

    // True while presence transitions are decided cluster-wide (and delivered through Node);
    // false: the server decides them from its own connections, as a single node.
    [[nodiscard]] virtual bool clustered() const noexcept = 0;
    [[nodiscard]] virtual const View& view() const noexcept = 0;
};

}  // namespace herald::cluster
