// herald/cluster/presence_store.h
//
// Subscription counts and presence members across the cluster. This node's contributions live in
// Redis under its lease; the other nodes' are held in a View for synchronous answers.
// - Registration: sync() writes the node's whole state at once (absolute values, diffed by the
//   script), then reads every other node's back (the snapshot), buffering the messages that cross
//   it; after an outage, the other nodes' members that came or went meanwhile are announced
//   (reconcile).
// - Changes in between: touch() marks a key dirty, flush() writes it through the cluster script,
//   which decides the cluster-wide transitions (occupied/vacated, member_added/removed) in one
//   place; the messages it publishes come back through the broker to receive().
// Owner: the cluster thread; view() is read by any thread (View is thread-safe).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <variant>
#include <vector>

#include "herald/cluster/adapter.h"
#include "herald/cluster/cluster_link.h"
#include "herald/cluster/view.h"
#include "herald/cluster/wire.h"

namespace herald::cluster {

class PresenceStore {
public:
    PresenceStore(std::string node_id, std::chrono::milliseconds lease, ClusterLink& link);

    // The node whose local state is registered and which is told the transitions; before sync().
    void attach(Node& node) noexcept;

    // Registers this node's whole state, loads the others' and reports link.synced().
    void sync();
    // The connection went down: the others' state is unknown until the next sync().
    void lost(bool was_up);
    // Removes this node's state from Redis (a graceful stop); `done` runs with the reply.
    void withdraw(std::function<void()> done);

    // The node's subscription count on a channel (no user) or a user's presence on it changed.
    // `told`: the node told its subscribers of that presence change itself (it was not in the
    // cluster), so the transition the script decides for it is not told to them again.
    void touch(std::string app_id, std::string channel, std::optional<std::string> user_id,
               std::string exclude, bool told = false);
    // Writes every dirty key that has no call in flight.
    void flush();

    // A message of the cluster script (through the broker).
    void receive(const PresenceMessage& message);

    [[nodiscard]] const View& view() const noexcept { return view_; }

    // Between the loss of the link and the next registration: whether this node's subscribers
    // were last told that the user is a member through another node. Any thread.
    [[nodiscard]] bool member_elsewhere(std::string_view app_id, std::string_view channel,
                                        std::string_view user_id) const;

private:
    using ChannelKey = std::pair<std::string, std::string>;
    using MemberKey = std::tuple<std::string, std::string, std::string>;

    void load_snapshot();
    void apply_snapshot(const RedisValue& snapshot);
    void apply_field(const std::string& owner, std::string_view field, const std::string& value);
    void reconcile();
    void schedule_flush();
    void schedule_flush_if_dirty();
    void remember_told(const MemberMessage& m);
    void check_leased(const RedisValue& reply);
    void receive_one(const CountMessage& m);
    void receive_one(const MemberMessage& m);
    void receive_one(const GoneMessage& m);
    template <class Message>
    void update_view(const Message& m);

    std::string node_id_;
    std::chrono::milliseconds lease_;
    ClusterLink& link_;
    Node* node_ = nullptr;
    View view_;

    bool snapshot_pending_ = false;
    bool flush_posted_ = false;
    // Messages that arrived while the snapshot was read; applied after it when newer.
    std::vector<std::variant<CountMessage, MemberMessage>> buffered_;
    // What this node's clients were told of the others' members: frozen when the link is lost,
    // then kept up with the transitions told to them until the next registration reconciles it
    // with the new snapshot. Empty at first: a node's clients know no other node's members until
    // its first registration, which a node started while Redis was away makes with clients of
    // its own already. Guarded by outage_mutex_ (member_elsewhere() reads it from workers).
    mutable std::mutex outage_mutex_;
    std::optional<View::Presence> outage_ = View::Presence{};
    // Members whose change the node told its subscribers itself: their next transition from
    // this node is told to no one here.
    std::set<std::tuple<std::string, std::string, std::string>> told_;
    // (app id, channel, user id) of the members the last sync registered, until the first
    // message about each: their additions were announced on this node already.
    std::set<std::tuple<std::string, std::string, std::string>> registered_;
    std::set<ChannelKey> dirty_counts_;

    struct DirtyMember {
        std::string exclude;  // the connection not told member_added
        bool told = false;    // the node told its subscribers already
    };

    std::map<MemberKey, DirtyMember> dirty_members_;
    std::set<ChannelKey> counts_in_flight_;
    std::set<MemberKey> members_in_flight_;
};

}  // namespace herald::cluster
