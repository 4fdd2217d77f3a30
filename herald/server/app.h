// herald/server/app.h
//
// One application as configured: credentials, switches and limits (protocol.md §6.10). A server
// holds many; clients reach one by its key (/app/{key}), the REST API by its id (/apps/{id}).
// Owner: an App is immutable; the AppRegistry below replaces apps as a whole on reload.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "herald/pusher/limits.h"
#include "herald/util/result.h"
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

using AppPtr = std::shared_ptr<const App>;

// What replacing a registry's apps changed, by slot.
struct AppChanges {
    std::vector<std::size_t> added;    // a new id (or one that was removed before)
    std::vector<std::size_t> changed;  // the same id with other settings
    std::vector<std::size_t> removed;  // an id no longer there

    [[nodiscard]] bool empty() const noexcept {
        return added.empty() && changed.empty() && removed.empty();
    }
};

// The apps of one server, looked up by key (WebSocket) or id (REST), and replaced as a whole
// when the configuration is reloaded. Each app id owns a slot for the life of the process: a
// dense number that per-app tables (connection counts, metrics, rate limits, local channels) are
// indexed by, sized once for capacity() slots. An app's slot survives its removal, so an app that
// comes back finds its own tables again, and no table ever holds another app's state.
// Apps are immutable and shared: a lookup returns the app as it is now, and whoever holds it
// keeps that version alive; an unchanged app keeps the same object across a replace(), so
// pointer equality says "unchanged".
// Owner: the server. Every method is thread-safe (one mutex: lookups are per handshake and per
// REST request, never per message; a connection keeps its own AppPtr).
class AppRegistry {
public:
    // Slots for apps added after the start, beyond the apps given at first.
    static constexpr std::size_t kSpareSlots = 256;

    AppRegistry() : AppRegistry(std::vector<App>{}) {}

    explicit AppRegistry(std::vector<App> apps, std::size_t spare = kSpareSlots);

    [[nodiscard]] AppPtr by_key(std::string_view key) const;
    [[nodiscard]] AppPtr by_id(std::string_view id) const;
    // The app in `slot` now; null when its app was removed.
    [[nodiscard]] AppPtr at(std::size_t slot) const;
    // The slot of an app id that was ever registered.
    [[nodiscard]] std::optional<std::size_t> slot_of(std::string_view id) const;
    // The slot of `app`, which was looked up here (so its id has one).
    [[nodiscard]] std::size_t index_of(const App& app) const;
    // The id that owns `slot` (empty: none yet). A slot's id never changes.
    [[nodiscard]] std::string id_of(std::size_t slot) const;

    // The apps now, in slot order.
    [[nodiscard]] std::vector<AppPtr> apps() const;
    // The slot and id of each app now, in slot order (what a scrape labels series with).
    [[nodiscard]] std::vector<std::pair<std::size_t, std::string>> live_slots() const;

    // How many slots the per-app tables must have.
    [[nodiscard]] std::size_t capacity() const noexcept { return capacity_; }

    // Makes `apps` the registry's apps (ids and keys unique, as the configuration checks). Fails,
    // changing nothing, when the new ids need more slots than capacity() has left.
    [[nodiscard]] util::Result<AppChanges, std::string> replace(std::vector<App> apps);

    // What adopt() did with an app.
    enum class Adopted : std::uint8_t {
        Same,
        Added,
        Changed
    };

    struct Adoption {
        AppPtr app;  // the registry's: the one it had when nothing changed
        std::size_t slot = 0;
        Adopted what = Adopted::Same;
    };

    // Makes `app` one of the apps, beside the others (an app store's apps arrive one at a time):
    // added under a new slot, or replacing the app of its id. Fails, changing nothing, when a new
    // id finds no slot left.
    [[nodiscard]] util::Result<Adoption, std::string> adopt(AppPtr app);
    // Removes the app of `id`, if there is one; its slot when there was.
    std::optional<std::size_t> retire(std::string_view id);

private:
    struct Snapshot {
        std::vector<AppPtr> slots;  // capacity() entries; null: no app
        std::unordered_map<std::string, std::size_t> by_key;
    };

    mutable std::mutex mutex_;
    std::size_t capacity_;
    Snapshot now_;
    std::unordered_map<std::string, std::size_t> slots_;  // every id ever seen; never shrinks
    std::vector<std::string> ids_;                        // by slot: slots_ reversed
};

}  // namespace herald::server
