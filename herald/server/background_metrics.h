// herald/server/background_metrics.h
//
// The families of the server's background threads, read when scraped from what those threads
// keep anyway (docs/OPERATIONS.md): webhook delivery (herald_webhook_*: requests by app and
// result, events waiting, the spool's bytes, dead letters by app), the Redis cluster
// (herald_cluster_*: whether this node is in the cluster, how many nodes are, publications in and
// out) and the app store's cache (herald_app_store_*: lookups by result, queries by result and
// duration, whether the store is reachable, what the cache holds). None is on the per-message
// path, so they read atomics and a short-locked map.
// Owner: the server; the sources outlive the collectables.
#pragma once

#include <memory>

#include <prometheus/collectable.h>

#include "herald/cluster/redis_adapter.h"
#include "herald/server/app_store_counters.h"
#include "herald/webhooks/pipeline.h"

namespace herald::server {

[[nodiscard]] std::shared_ptr<const prometheus::Collectable> webhook_metrics(
        const webhooks::Counters& counters);

[[nodiscard]] std::shared_ptr<const prometheus::Collectable> cluster_metrics(
        const cluster::RedisAdapter& adapter);

[[nodiscard]] std::shared_ptr<const prometheus::Collectable> app_store_metrics(
        const AppStoreCounters& counters);

}  // namespace herald::server
