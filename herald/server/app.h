// herald/server/app.h
//
// One application as configured: credentials, switches and limits (protocol.md §6.10). A server
// holds many; clients reach one by its key (/app/{key}), the REST API by its id (/apps/{id}).
// Owner: immutable once the server starts; shared read-only by every worker.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "herald/pusher/limits.h"
#include "herald/webhooks/target.h"

namespace herald::server {

struct AppLimits {
    std::size_t max_connections = 0;                                 // 0: unlimited
    std::size_t max_message_bytes = pusher::kMaxClientMessageBytes;  // one incoming frame
    std::size_t max_event_data_bytes = pusher::kMaxEventDataBytes;   // REST and client events
    std::size_t max_event_name_length = pusher::kMaxEventNameLength;
    std::size_t max_channel_name_length = pusher::kMaxChannelNameLength;
    std::size_t max_channels_per_trigger = pusher::kMaxChannelsPerTrigger;
    std::size_t max_batch_events = pusher::kMaxBatchEvents;
    std::size_t max_presence_members = pusher::kMaxPresenceMembers;
    std::size_t max_user_info_bytes = pusher::kMaxUserInfoBytes;
    std::size_t max_user_id_length = pusher::kMaxUserIdLength;
    std::size_t max_client_events_per_second = pusher::kMaxClientEventsPerSecond;
    std::size_t max_backend_events_per_second = 0;   // REST trigger/batch events; 0: unlimited
    std::size_t max_channels_per_connection = 1000;  // public default: memory per anonymous client
    std::size_t max_queued_bytes = 4 * 1024 * 1024;  // per connection before it is dropped

    friend bool operator==(const AppLimits&, const AppLimits&) = default;
};

struct App {
    std::string id;
    std::string key;
    std::string secret;
    bool enabled = true;
    bool client_events = false;
    bool user_authentication_required = false;  // close unauthenticated connections after 30 s
    bool subscription_count_events = false;     // pusher_internal:subscription_count
    bool tls_only = false;                      // plain ws:// connections get 4000
    std::vector<std::string> allowed_origins;   // empty: any origin
    std::vector<std::string> webhook_urls;      // every webhook event to each of these URLs
    std::vector<webhooks::Target> webhooks;     // URLs with event-type and channel filters
    AppLimits limits;

    friend bool operator==(const App&, const App&) = default;
};

// The development app that `herald serve` runs with when no app is configured.
[[nodiscard]] App development_app();

// The apps of one server, looked up by key (WebSocket) or id (REST).
class AppRegistry {
public:
    AppRegistry() = default;
    explicit AppRegistry(std::vector<App> apps);

    [[nodiscard]] const App* by_key(std::string_view key) const noexcept;
    [[nodiscard]] const App* by_id(std::string_view id) const noexcept;

    [[nodiscard]] const std::vector<App>& apps() const noexcept { return apps_; }

    // Index of `app` in apps(): a dense number for per-app tables.
    [[nodiscard]] std::size_t index_of(const App& app) const noexcept;

private:
    std::vector<App> apps_;
};

}  // namespace herald::server
