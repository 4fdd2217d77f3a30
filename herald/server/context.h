// herald/server/context.h
//
// What every connection of a server shares: the configuration, the apps, the hub, the drain
// flag and per-app connection counts (thread-safe), the metrics, the dashboard's console feed,
// and per-worker tools that are
// used only on their worker's thread (the JSON parser, the socket id generator, the list of
// connections, the worker's counters).
// Owner: the server; outlives every connection.
#pragma once

#include <atomic>
#include <cstddef>
#include <memory>
#include <vector>

#include "herald/net/intrusive_list.h"
#include "herald/pusher/message.h"
#include "herald/pusher/socket_id.h"
#include "herald/server/app.h"
#include "herald/server/config.h"
#include "herald/server/debug_feed.h"
#include "herald/server/hub.h"
#include "herald/server/server_metrics.h"

namespace herald::server {

class Connection;
struct ConnectionListTag;

struct WorkerContext {
    WorkerContext(std::size_t max_message_bytes, std::uint64_t id_prefix,
                  ConnectionCounters worker_counters)
        : parser(max_message_bytes), ids(id_prefix), counters(worker_counters) {}

    pusher::MessageParser parser;
    pusher::SocketIdGenerator ids;
    net::IntrusiveList<Connection, ConnectionListTag> connections;
    ConnectionCounters counters;
};

struct ServerContext {
    // `worker_count`: how many add_worker() calls follow.
    ServerContext(const ServerConfig& server_config, const AppRegistry& registry, Hub& channel_hub,
                  std::size_t worker_count)
        : config(server_config),
          apps(registry),
          hub(channel_hub),
          app_connections(registry.capacity()),
          feed(registry.capacity()),
          metrics(registry, worker_count, app_connections, channel_hub) {}

    // The context of the next worker (its index is workers.size()).
    void add_worker(std::size_t max_message_bytes, std::uint64_t id_prefix) {
        workers.push_back(std::make_unique<WorkerContext>(max_message_bytes, id_prefix,
                                                          metrics.counters(workers.size())));
    }

    const ServerConfig& config;
    const AppRegistry& apps;
    Hub& hub;
    std::vector<std::unique_ptr<WorkerContext>> workers;
    std::vector<std::atomic<std::size_t>> app_connections;  // by app slot
    std::atomic<bool> draining{false};
    DebugFeed feed;         // the dashboard's console
    ServerMetrics metrics;  // after app_connections, which its gauge reads
};

}  // namespace herald::server
