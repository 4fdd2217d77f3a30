// herald/server/hub.h
//
// The channels of one node. The hub owns the shared ChannelTable and UserTable and each worker's
// LocalChannels, and offers whole operations on them: a connection subscribes, unsubscribes,
// signs in and out, relays a client event, each with one call whose outcome says what the
// connection has to answer; the hub itself decides what changed (presence transitions, counts,
// webhooks) and tells the subscribers and the cluster. Implements ChannelService for the REST API.
// Through a cluster::Adapter it also sends publications to the other nodes, lets the cluster decide
// presence transitions, and adds the other nodes' state to REST answers and presence rosters.
//
// Delivery verbs, by scope (a message is framed once, then posted to the workers whose
// connections subscribe to its channel; ARCHITECTURE.md, "How a broadcast flows"):
//   publish_everywhere    a REST event: framed here, remembered on cache channels, sent to the
//                         other nodes and delivered on this one.
//   send_everywhere       a finished message (a client event): sent to the other nodes and
//                         delivered on this one; never remembered.
//   deliver_on_this_node  a finished message to this node's subscribers only: added to the
//                         inbox of each worker that holds some. What the other verbs end in.
//   deliver_on_worker     (private) one worker's subscribers: walks its LocalChannels, on that
//                         worker's thread, when the worker drains its inbox.
//   deliver_from_cluster  another node's publication: remembered on cache channels, delivered on
//                         this node (never sent back to the cluster).
//   post_to               one connection: runs a function on its worker, if it still lives.
//
// Owner: the server. Every public method is thread-safe, except the connection operations
// (subscribe, unsubscribe, sign_in), which run on the calling connection's worker thread.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "herald/cluster/adapter.h"
#include "herald/cluster/local_adapter.h"
#include "herald/net/worker_pool.h"
#include "herald/pusher/member.h"
#include "herald/pusher/message.h"
#include "herald/pusher/server_message.h"
#include "herald/server/app.h"
#include "herald/server/channel_events.h"
#include "herald/server/channel_service.h"
#include "herald/server/channel_table.h"
#include "herald/server/channel_type.h"
#include "herald/server/delivery_inbox.h"
#include "herald/server/local_channels.h"
#include "herald/server/shared_counters.h"
#include "herald/server/user_table.h"
#include "herald/ws/broadcast.h"

namespace herald::server {

struct SubscribeOutcome {
    bool refused = false;       // the presence channel is full: nothing changed
    bool member_added = false;  // presence: the user's first connection on the channel (this node)
    std::uint64_t subscriptions = 0;     // this node's subscriptions to the channel, this one too
    std::vector<pusher::Member> roster;  // presence: every member on every node
    std::optional<CachedEvent> cache;    // cache channels: the event to replay (none: a miss)
};

struct UnsubscribeOutcome {
    bool member_removed = false;      // presence: the user's last connection on the channel left
    std::uint64_t subscriptions = 0;  // this node's subscriptions to the channel that remain
};

// The internal presence channel through which a cluster decides who is online (§4.13): a node's
// signed-in users are its members, so a user's first connection anywhere and its last are
// decided once, a dead node's users go offline when it is reaped, and an outage is reconciled,
// exactly as for presence. No client can subscribe to it (no channel name starts with "#o").
inline constexpr std::string_view kOnlineChannel = "#online";

struct SignInOutcome {
    bool first = false;                // the user's first connection on this node
    std::vector<std::string> online;   // of the connection's watchlist, who is online now
    std::vector<std::string> offline;  // ... and who is not
};

struct SignOutOutcome {
    bool last = false;  // the user's last connection on this node
};

class Hub final : public ChannelService {
public:
    Hub(const AppRegistry& apps, net::WorkerPool& pool);

    // ChannelService: what the REST API asks, answered for every node.
    void publish_everywhere(const App& app, const Publication& publication) override;
    [[nodiscard]] ChannelState channel(const App& app, std::string_view name) override;
    [[nodiscard]] std::vector<ChannelSummary> channels(const App& app,
                                                       std::string_view prefix) override;
    [[nodiscard]] std::vector<std::string> presence_users(const App& app,
                                                          std::string_view channel) override;
    void terminate_user(const App& app, std::string_view user_id) override;

    // A connection on `worker` joins `subscription.channel` (`member`: presence channels). Unless
    // refused, the subscription is linked into the worker's local list (the caller keeps it alive
    // until unsubscribe), member_added and the subscription count go out, and a cache miss is
    // reported. The connection's worker thread.
    SubscribeOutcome subscribe(std::size_t app, std::size_t worker, Subscription& subscription,
                               const pusher::Member* member = nullptr);
    // The reverse of subscribe: member_removed and the new count go out. The connection's worker
    // thread.
    UnsubscribeOutcome unsubscribe(std::size_t app, std::size_t worker, Subscription& subscription);

    // The connection `ref` signs in as `user` (§4.11): `user_channel` (its #server-to-user
    // channel) is subscribed, and the user's watchers are told it came online if it is the
    // first connection. The connection's worker thread.
    SignInOutcome sign_in(std::size_t app, const ConnectionRef& ref, Subscription& user_channel,
                          const pusher::User& user);
    // The connection (its address) signed in as `user` is gone; watchers are told when it was the
    // user's last. Any thread.
    SignOutOutcome sign_out(std::size_t app, const void* connection, const pusher::User& user);

    // The cluster decided that `user_id` came online (its first connection anywhere) or went
    // offline (its last): this node's watchers of it are told. Any thread.
    void watched_user_changed(std::size_t app, const std::string& user_id, bool online);
    // The users signed in on this node, and whether one is. Any thread.
    [[nodiscard]] std::vector<std::string> users_on_this_node(std::size_t app);
    [[nodiscard]] bool signed_in_on_this_node(std::size_t app, std::string_view user_id);

    // An accepted client event (§4.9) of the connection `socket_id`: reported for webhooks and
    // sent everywhere except back to it. `user_id`: presence channels. Any thread.
    void relay_client_event(std::size_t app, const pusher::ClientEvent& event,
                            const std::string& socket_id,
                            const std::optional<std::string>& user_id);

    // Queues `message` (a complete server message) on every subscriber of the channel on this
    // node, except the connection with socket id `exclude`. Any thread.
    void deliver_on_this_node(std::size_t app, std::string_view channel, std::string message,
                              std::optional<std::string> exclude = std::nullopt);

    // deliver_on_this_node(), and the same message to the subscribers on the other nodes.
    void send_everywhere(std::size_t app, std::string_view channel, std::string message,
                         std::optional<std::string> exclude = std::nullopt);

    // A publication of another node (cluster thread): remembered on cache channels, delivered to
    // this node's subscribers.
    void deliver_from_cluster(const cluster::Event& event);

    // Runs fn(Connection&) on the connection's worker, if it still lives. Any thread.
    void post_to(const ConnectionRef& ref, std::function<void(Connection&)> fn);

    // Closes this node's connections signed in as `user_id`. Any thread.
    void terminate_on_this_node(std::size_t app, std::string_view user_id);

    // §4.15: if the app counts this channel's subscriptions (not presence, not a user's channel),
    // tells its subscribers the new count (throttled above 100). `decided_here`: the change is
    // this node's own (or its reaping of a dead node's), so the subscription_count webhook goes
    // out from here, with the cluster-wide count, even when no subscriber is left on this node;
    // a change another node made is that node's to report. Any thread.
    void count_subscriptions(std::size_t app, const std::string& channel, bool decided_here = true);

    // Sends the throttled counts that are due; called by the server once per tick (any thread).
    void flush_counts(SteadyClock::time_point now);

    // This node's own state, as the cluster asks for it (any thread): a channel's subscriptions,
    // a member's user_info while it has a connection on the channel, and every channel with
    // subscribers (a user's channels included).
    [[nodiscard]] std::uint64_t subscriptions_on_this_node(std::size_t app,
                                                           std::string_view channel);
    [[nodiscard]] std::optional<std::string> member_on_this_node(std::size_t app,
                                                                 std::string_view channel,
                                                                 std::string_view user_id);
    [[nodiscard]] std::vector<ChannelTable::Snapshot> channels_on_this_node();

    // A presence channel's members on every node with their user_info, by user id (the roster
    // a subscriber gets). Any thread.
    [[nodiscard]] std::vector<pusher::Member> presence_roster(std::size_t app,
                                                              const std::string& channel);

    // Before the server starts; the adapter outlives the hub's use of it.
    void attach(cluster::Adapter& adapter) noexcept { cluster_ = &adapter; }

    [[nodiscard]] cluster::Adapter& cluster() noexcept { return *cluster_; }

    [[nodiscard]] const AppRegistry& apps() const noexcept { return apps_; }

    // This node's occupied channels of an app by type, and its presence members (one per user
    // and channel), for the metrics. Any thread.
    [[nodiscard]] std::uint64_t occupied_channels(std::size_t app, ChannelType type) const noexcept;
    [[nodiscard]] std::uint64_t presence_members(std::size_t app) const noexcept;
    // Events this node published (REST), relayed (client events) or took from the cluster.
    [[nodiscard]] std::uint64_t events_published(std::size_t app,
                                                 EventSource source) const noexcept;

    void set_verbose(bool verbose) noexcept { verbose_ = verbose; }

    // Where webhook-relevant changes go (null: nowhere). Set before the server starts.
    void set_events(ChannelEvents* events) noexcept {
        events_ = events;
        table_.set_events(events);
    }

    [[nodiscard]] ChannelEvents* events() const noexcept { return events_; }

    // In a cluster a channel's occupancy and a user's membership are decided cluster-wide and
    // reported by the cluster node; this node stops reporting its own transitions. Client events,
    // cache misses and counts are still reported here. Before the server starts.
    void leave_occupancy_events_to_cluster() noexcept { table_.set_events(nullptr); }

private:
    // Delivers what the worker's inbox holds, on that worker's thread.
    void drain(std::size_t worker);
    void deliver_on_worker(std::size_t worker, const Delivery& delivery, Flush flush);

    // This node's first connection of a member joined (its last one left) a presence channel:
    // the cluster decides whether that is member_added (member_removed) everywhere; a single node
    // sends it at once. `exclude`: the joining connection.
    void member_joined(std::size_t app, const std::string& channel, const pusher::Member& member,
                       const std::string& exclude);
    void member_left(std::size_t app, const std::string& channel, const std::string& user_id);
    // A connection subscribed to or left a channel.
    void subscriptions_changed(std::size_t app, const std::string& channel);
    // The user's first or last connection on this node: the cluster decides (or, out of it,
    // this node does) whether its watchers hear of it.
    void online_changed(std::size_t app, const std::string& user_id, bool online,
                        const std::vector<ConnectionRef>& watchers);
    // The presence roster for subscription_succeeded: this node's members and the others'.
    [[nodiscard]] std::vector<pusher::Member> roster(std::size_t app, const std::string& channel,
                                                     std::vector<pusher::Member> local);
    void notify_watchers(const std::vector<ConnectionRef>& watchers, const std::string& user_id,
                         pusher::WatchlistStatus status);

    struct PendingCount {
        std::size_t app = 0;
        std::string channel;
        SteadyClock::time_point due{};
        bool webhook = false;  // a change this node decided is among those it carries
    };

    [[nodiscard]] std::string app_id(std::size_t app) const { return apps_.id_of(app); }

    [[nodiscard]] std::size_t max_presence_members(std::size_t app) const {
        const auto settings = apps_.at(app);
        return settings ? settings->limits.max_presence_members : 0;
    }

    const AppRegistry& apps_;
    net::WorkerPool& pool_;
    cluster::LocalAdapter single_node_;
    cluster::Adapter* cluster_ = &single_node_;
    std::mutex counts_mutex_;
    std::vector<PendingCount> pending_counts_;
    ChannelTable table_;
    UserTable users_;
    std::vector<std::unique_ptr<LocalChannels>> locals_;
    std::vector<std::unique_ptr<DeliveryInbox>> inboxes_;  // one per worker
    // Gauges kept as the table changes: app * kChannelTypes + type, and app.
    std::vector<std::atomic<std::int64_t>> occupied_;
    std::vector<std::atomic<std::int64_t>> members_;
    SharedCounters published_;  // app * kEventSources + source
    ChannelEvents* events_ = nullptr;
    bool verbose_ = false;
};

}  // namespace herald::server
