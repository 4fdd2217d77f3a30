// herald/server/hub.h
//
// The channels of one node: the shared ChannelTable and UserTable, and each worker's
// LocalChannels. A publication is written and framed once, then posted to the workers whose
// connections subscribe to its channel; each walks its local list and queues the shared frame
// (ARCHITECTURE.md, "How a broadcast flows"). Implements ChannelService for the REST API.
// Through a cluster::Adapter it also sends publications to the other nodes, lets the cluster decide
// presence transitions, and adds the other nodes' state to REST answers and presence rosters.
// Owner: the server. publish/channel/channels/... are thread-safe; local(worker) belongs to that
// worker's thread.
#pragma once

#include <cstddef>
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
#include "herald/server/app.h"
#include "herald/server/channel_events.h"
#include "herald/server/channel_service.h"
#include "herald/server/channel_table.h"
#include "herald/server/local_channels.h"
#include "herald/server/user_table.h"
#include "herald/ws/broadcast.h"

namespace herald::server {

class Hub final : public ChannelService {
public:
    Hub(const AppRegistry& apps, net::WorkerPool& pool);

    void publish(const App& app, const Publication& publication) override;
    [[nodiscard]] ChannelState channel(const App& app, std::string_view name) override;
    [[nodiscard]] std::vector<ChannelSummary> channels(const App& app,
                                                       std::string_view prefix) override;
    [[nodiscard]] std::vector<std::string> presence_users(const App& app,
                                                          std::string_view channel) override;
    void terminate_user(const App& app, std::string_view user_id) override;

    // Queues `message` (a complete server message) on every subscriber of the channel except the
    // connection with socket id `exclude`. Any thread.
    void broadcast(std::size_t app, std::string_view channel, std::string message,
                   std::optional<std::string> exclude = std::nullopt);

    // broadcast() on this node, and the same message to the subscribers on the other nodes.
    void send(std::size_t app, std::string_view channel, std::string message,
              std::optional<std::string> exclude = std::nullopt);

    // A publication of another node (cluster thread): remembered on cache channels, delivered to
    // the local subscribers.
    void deliver_remote(const cluster::Event& event);

    // This node's first connection of a member joined (its last one left) a presence channel:
    // the cluster decides whether that is member_added (member_removed) everywhere; a single node
    // sends it at once. `exclude`: the joining connection. Any thread.
    void member_joined(std::size_t app, const std::string& channel, const pusher::Member& member,
                       const std::string& exclude);
    void member_left(std::size_t app, const std::string& channel, const std::string& user_id);
    // A connection subscribed to or left a channel. Any thread.
    void subscriptions_changed(std::size_t app, const std::string& channel);
    // The presence roster for subscription_succeeded: this node's members and the others'.
    [[nodiscard]] std::vector<pusher::Member> roster(std::size_t app, const std::string& channel,
                                                     std::vector<pusher::Member> local);
    // Closes this node's connections signed in as `user_id`. Any thread.
    void terminate_local(std::size_t app, std::string_view user_id);

    // Before the server starts; the adapter outlives the hub's use of it.
    void attach(cluster::Adapter& adapter) noexcept { cluster_ = &adapter; }

    [[nodiscard]] cluster::Adapter& cluster() noexcept { return *cluster_; }

    // §4.15: tells the channel's subscribers its new subscription count (throttled above 100).
    // Any thread.
    void count_subscriptions(std::size_t app, const std::string& channel);

    // Sends the throttled counts that are due; called by the server once per tick (any thread).
    void flush_counts(SteadyClock::time_point now);

    // Runs fn(Connection&) on the connection's worker, if it still lives. Any thread.
    void post_to(const ConnectionRef& ref, std::function<void(Connection&)> fn);

    [[nodiscard]] LocalChannels& local(std::size_t worker) { return *locals_[worker]; }

    [[nodiscard]] ChannelTable& table() noexcept { return table_; }

    [[nodiscard]] UserTable& users() noexcept { return users_; }

    [[nodiscard]] const AppRegistry& apps() const noexcept { return apps_; }

    void set_verbose(bool verbose) noexcept { verbose_ = verbose; }

    // Where webhook-relevant changes go (null: nowhere). Set before the server starts.
    void set_events(ChannelEvents* events) noexcept {
        events_ = events;
        table_.set_events(events);
    }

    [[nodiscard]] ChannelEvents* events() const noexcept { return events_; }

private:
    void deliver(std::size_t worker, std::size_t app, const std::string& channel,
                 const std::shared_ptr<const ws::Broadcast>& message,
                 const std::optional<std::string>& exclude);

    struct PendingCount {
        std::size_t app = 0;
        std::string channel;
        SteadyClock::time_point due{};
    };

    [[nodiscard]] const std::string& app_id(std::size_t app) const { return apps_.apps()[app].id; }

    const AppRegistry& apps_;
    net::WorkerPool& pool_;
    cluster::LocalAdapter single_node_;
    cluster::Adapter* cluster_ = &single_node_;
    std::mutex counts_mutex_;
    std::vector<PendingCount> pending_counts_;
    ChannelTable table_;
    UserTable users_;
    std::vector<std::unique_ptr<LocalChannels>> locals_;
    ChannelEvents* events_ = nullptr;
    bool verbose_ = false;
};

}  // namespace herald::server
