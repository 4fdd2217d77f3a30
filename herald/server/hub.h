// herald/server/hub.h
//
// The channels of one node: the shared ChannelTable and UserTable, and each worker's
// LocalChannels. A publication is written and framed once, then posted to the workers whose
// connections subscribe to its channel; each walks its local list and queues the shared frame
// (ARCHITECTURE.md, "How a broadcast flows"). Implements ChannelService for the REST API.
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

    const AppRegistry& apps_;
    net::WorkerPool& pool_;
    std::mutex counts_mutex_;
    std::vector<PendingCount> pending_counts_;
    ChannelTable table_;
    UserTable users_;
    std::vector<std::unique_ptr<LocalChannels>> locals_;
    ChannelEvents* events_ = nullptr;
    bool verbose_ = false;
};

}  // namespace herald::server
