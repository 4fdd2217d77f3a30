// herald/server/channel_events.h
//
// The one door through which the hub reports what webhooks are made of (protocol.md §9.3): a
// channel's first and last subscriber on this node, a presence user's first and last connection,
// accepted client events, cache misses and subscription counts. Occupancy and membership are
// reported under the channel's shard lock, so their order per channel is the order in which they
// happened. Implementations must be quick and must not call back into the hub.
// `app` is the AppRegistry index.
// Owner: the server; every method is called from any worker thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace herald::server {

class ChannelEvents {
public:
    virtual ~ChannelEvents() = default;

    virtual void channel_occupied(std::size_t app, std::string_view channel) = 0;
    virtual void channel_vacated(std::size_t app, std::string_view channel) = 0;
    virtual void member_added(std::size_t app, std::string_view channel,
                              std::string_view user_id) = 0;
    virtual void member_removed(std::size_t app, std::string_view channel,
                                std::string_view user_id) = 0;
    // `user_id` empty unless the channel is a presence channel.
    virtual void client_event(std::size_t app, std::string_view channel, std::string_view event,
                              std::string_view data, std::string_view socket_id,
                              std::string_view user_id) = 0;
    virtual void cache_miss(std::size_t app, std::string_view channel) = 0;
    virtual void subscription_count(std::size_t app, std::string_view channel,
                                    std::uint64_t count) = 0;
};

}  // namespace herald::server
