// herald/server/channel_table.h
//
// What every worker must agree on about a channel: how many connections each worker holds on it
// (so a publication is posted only to workers with subscribers), the presence roster (members
// keyed by user id, counted per connection), and the cache channel's last event. Sharded by
// channel with one mutex per shard; touched on subscribe, unsubscribe and publish lookups, never
// per delivered message.
// Owner: the hub; every method is thread-safe.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "herald/pusher/member.h"
#include "herald/server/channel_events.h"
#include "herald/server/channel_service.h"

namespace herald::server {

using SteadyClock = std::chrono::steady_clock;

struct JoinRequest {
    std::size_t app = 0;  // AppRegistry index
    std::string_view channel;
    std::size_t worker = 0;
    const pusher::Member* member = nullptr;  // presence channels
    std::size_t max_members = 0;             // presence channels: refuse a new user past this
};

struct JoinResult {
    bool refused = false;       // the presence channel is full
    bool member_added = false;  // first connection of this user in the channel
    std::uint64_t subscriptions = 0;
    std::vector<pusher::Member> roster;  // presence: every member, this one included
    std::optional<CachedEvent> cache;    // cache channels: the live cached event
};

struct LeaveResult {
    bool member_removed = false;  // last connection of this user left the channel
    std::uint64_t subscriptions = 0;
};

// §4.15: whether a subscription_count update goes out now or after the throttle interval.
struct CountDecision {
    bool send_now = false;
    bool deferred = false;  // first change inside the interval: send at `due`
    std::uint64_t count = 0;
    SteadyClock::time_point due{};
};

class ChannelTable {
public:
    explicit ChannelTable(std::size_t workers) : workers_(workers) {}

    // Where occupancy and membership changes are reported, under the shard lock (null: nowhere).
    // Set before the first join.
    void set_events(ChannelEvents* events) noexcept { events_ = events; }

    JoinResult join(const JoinRequest& request);
    LeaveResult leave(std::size_t app, std::string_view channel, std::size_t worker,
                      const std::string* user_id);

    // Workers (as a bit mask) holding subscribers of the channel right now.
    [[nodiscard]] std::uint64_t workers_with(std::size_t app, std::string_view channel);

    void remember(std::size_t app, std::string_view channel, CachedEvent event,
                  SteadyClock::time_point expires);

    // A channel's subscriber count changed: counts above `throttle_above` go out at most once per
    // `interval`, the last change of a burst at the end of it. `elsewhere`: the subscribers on
    // other nodes, added to this node's.
    CountDecision decide_count(std::size_t app, std::string_view channel,
                               SteadyClock::time_point now, std::uint64_t throttle_above,
                               SteadyClock::duration interval, std::uint64_t elsewhere = 0);
    // The deferred count of a channel, now due (nullopt: nothing pending or channel gone).
    std::optional<std::uint64_t> release_count(std::size_t app, std::string_view channel,
                                               SteadyClock::time_point now);

    [[nodiscard]] ChannelState state(std::size_t app, std::string_view channel);
    [[nodiscard]] std::vector<ChannelSummary> occupied(std::size_t app, std::string_view prefix);
    [[nodiscard]] std::vector<std::string> members(std::size_t app, std::string_view channel);
    // The user's user_info while it has a connection in the channel.
    [[nodiscard]] std::optional<std::string> member_info(std::size_t app, std::string_view channel,
                                                         std::string_view user_id);

    struct Snapshot {
        std::size_t app = 0;
        std::string channel;
        std::uint64_t subscriptions = 0;
        std::vector<pusher::Member> members;
    };

    // Every channel with subscribers, shard by shard (for the cluster's re-registration).
    [[nodiscard]] std::vector<Snapshot> snapshot();

private:
    struct PresenceEntry {
        std::string user_info;
        std::uint32_t connections = 0;
    };

    struct Record {
        std::uint64_t subscriptions = 0;
        std::vector<std::uint32_t> per_worker;
        std::uint64_t worker_mask = 0;
        std::map<std::string, PresenceEntry, std::less<>> members;
        std::optional<CachedEvent> cache;
        SteadyClock::time_point cache_expires{};
        SteadyClock::time_point count_sent{};
        bool count_pending = false;
    };

    struct KeyHash {
        using is_transparent = void;

        std::size_t operator()(std::string_view key) const noexcept {
            return std::hash<std::string_view>{}(key);
        }
    };

    struct Shard {
        std::mutex mutex;
        std::unordered_map<std::string, Record, KeyHash, std::equal_to<>> records;
    };

    static constexpr std::size_t kShards = 64;

    [[nodiscard]] static std::string key(std::size_t app, std::string_view channel);
    Shard& shard(std::string_view key) noexcept;
    static void forget_if_idle(Shard& shard, const std::string& key, Record& record);

    std::size_t workers_;
    ChannelEvents* events_ = nullptr;
    std::array<Shard, kShards> shards_;
};

}  // namespace herald::server
