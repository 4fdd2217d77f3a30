// herald/server/channel_service.h
//
// What the REST API asks of the channels: publish an event, read channel state, list presence
// members, end a user's connections. The hub implements it for one node; a cluster-aware
// implementation answers for all nodes. Every call may come from any worker thread.
// Owner: the server; outlives every request handler.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "herald/server/app.h"

namespace herald::server {

struct Publication {
    std::string channel;
    std::string event;
    std::string data;                    // sent as a JSON string, exactly as given
    std::optional<std::string> exclude;  // socket_id that must not receive it
    std::optional<std::string> user_id;  // client events on presence channels (§4.9)
};

struct CachedEvent {
    std::string event;
    std::string data;

    friend bool operator==(const CachedEvent&, const CachedEvent&) = default;
};

struct ChannelState {
    bool occupied = false;
    std::uint64_t subscription_count = 0;  // connections subscribed
    std::uint64_t user_count = 0;          // presence channels: distinct users
    std::optional<CachedEvent> cache;      // cache channels: the last event, while it lives
    std::uint64_t cache_ttl_seconds = 0;   // with `cache`: seconds it still lives (§8.7 "ttl")
};

struct ChannelSummary {
    std::string name;
    std::uint64_t user_count = 0;          // presence channels only
    std::uint64_t subscription_count = 0;  // connections subscribed, on every node
};

class ChannelService {
public:
    virtual ~ChannelService() = default;

    // Delivers to every subscriber of the channel on every node (except `exclude`); remembers it
    // on cache channels. Returns immediately: delivery happens on the subscribers' workers.
    virtual void publish_everywhere(const App& app, const Publication& publication) = 0;

    [[nodiscard]] virtual ChannelState channel(const App& app, std::string_view name) = 0;

    // Occupied channels whose name starts with `prefix`, sorted by name.
    [[nodiscard]] virtual std::vector<ChannelSummary> channels(const App& app,
                                                               std::string_view prefix) = 0;

    // The user ids of a presence channel's members (empty when unoccupied).
    [[nodiscard]] virtual std::vector<std::string> presence_users(const App& app,
                                                                  std::string_view channel) = 0;

    // Closes every connection signed in as `user_id` (close code 4009).
    virtual void terminate_user(const App& app, std::string_view user_id) = 0;
};

}  // namespace herald::server
