#include "herald/server/background_metrics.h"

// The standard headers before herald's: Boost 1.74 headers rely on <utility> under GCC 12 in
// C++20 mode.
#include <array>
#include <utility>
#include <vector>

#include "herald/metrics/exposition.h"
#include "herald/metrics/family.h"

namespace herald::server {

namespace {

using prometheus::MetricFamily;
using prometheus::MetricType;

double value(const std::atomic<std::uint64_t>& a) {
    return static_cast<double>(a.load(std::memory_order_relaxed));
}

std::vector<MetricFamily> collect_webhooks(const webhooks::Counters& counters) {
    auto requests = metrics::family("herald_webhook_requests_total",
                                    "Webhook requests: attempts answered with a 2xx (ok), attempts "
                                    "that failed and wait for another (retry), requests given up "
                                    "after the retry window (failed).",
                                    MetricType::Counter);
    auto dead = metrics::family("herald_webhook_dead_letters_total",
                                "Webhook requests written to the dead-letter file.",
                                MetricType::Counter);
    for (const auto& [app, counts] : counters.apps.snapshot()) {
        const auto add = [&, id = app](const char* result, std::uint64_t n) {
            metrics::add_sample(requests, {{"app", id}, {"result", result}},
                                static_cast<double>(n));
        };
        add("ok", counts.ok);
        add("retry", counts.retry);
        add("failed", counts.dead_letters);
        metrics::add_sample(dead, {{"app", app}}, static_cast<double>(counts.dead_letters));
    }
    std::vector<MetricFamily> out;
    out.push_back(std::move(requests));
    out.push_back(metrics::single("herald_webhook_queue_events",
                                  "Webhook events in requests waiting for delivery.",
                                  MetricType::Gauge, value(counters.queued)));
    out.push_back(metrics::single("herald_webhook_spool_bytes",
                                  "Bytes of the spool's records of requests waiting for delivery.",
                                  MetricType::Gauge, value(counters.spool_bytes)));
    out.push_back(std::move(dead));
    return out;
}

std::vector<MetricFamily> collect_cluster(const cluster::RedisAdapter& adapter) {
    auto up = metrics::family("herald_cluster_redis_up",
                              "1 while this node is in the cluster through Redis, else 0.",
                              MetricType::Gauge);
    metrics::add_sample(up, {}, adapter.clustered() ? 1.0 : 0.0);
    auto nodes = metrics::family("herald_cluster_nodes",
                                 "Nodes holding a lease in Redis, this one included (0 while "
                                 "this node is not in the cluster).",
                                 MetricType::Gauge);
    metrics::add_sample(nodes, {}, static_cast<double>(adapter.clustered() ? adapter.nodes() : 0));
    const auto traffic = adapter.traffic();
    auto messages = metrics::family("herald_cluster_messages_total",
                                    "Publications and terminations received from other nodes "
                                    "(in) and published by this one (out).",
                                    MetricType::Counter);
    metrics::add_sample(messages, {{"direction", "in"}}, static_cast<double>(traffic.in));
    metrics::add_sample(messages, {{"direction", "out"}}, static_cast<double>(traffic.out));
    std::vector<MetricFamily> out;
    out.push_back(std::move(up));
    out.push_back(std::move(nodes));
    out.push_back(std::move(messages));
    return out;
}

constexpr std::array<const char*, kStoreLookups> kLookupNames = {
        "cache_hit", "negative_hit", "found", "not_found", "invalid", "stale", "unavailable"};

MetricFamily query_durations(const AppStoreCounters& counters) {
    auto durations = metrics::family("herald_app_store_query_duration_seconds",
                                     "Time a query of the app store took (connecting included), "
                                     "answered or failed.",
                                     MetricType::Histogram);
    metrics::add_histogram(durations, {}, AppStoreCounters::kBuckets, counters.query_buckets(),
                           counters.query_seconds());
    return durations;
}

std::vector<MetricFamily> collect_app_store(const AppStoreCounters& counters) {
    auto lookups = metrics::family("herald_app_store_lookups_total",
                                   "Lookups of an app by key or id in the app store's cache, by "
                                   "how they were answered.",
                                   MetricType::Counter);
    for (std::size_t i = 0; i < kStoreLookups; ++i) {
        metrics::add_sample(lookups, {{"result", kLookupNames[i]}},
                            static_cast<double>(counters.lookups(static_cast<StoreLookup>(i))));
    }
    auto queries = metrics::family("herald_app_store_queries_total",
                                   "Queries of the app store's database: answered (ok) or failed "
                                   "(error: unreachable, timed out, refused).",
                                   MetricType::Counter);
    metrics::add_sample(queries, {{"result", "ok"}},
                        static_cast<double>(counters.queries_answered()));
    metrics::add_sample(queries, {{"result", "error"}},
                        static_cast<double>(counters.query_errors()));
    std::vector<MetricFamily> out;
    out.push_back(std::move(lookups));
    out.push_back(std::move(queries));
    out.push_back(query_durations(counters));
    out.push_back(metrics::single("herald_app_store_up",
                                  "1 while the app store answers, 0 from a failed query to the "
                                  "next answered one.",
                                  MetricType::Gauge, counters.reachable() ? 1.0 : 0.0));
    out.push_back(metrics::single("herald_app_store_cached_apps",
                                  "Apps held in the app store's cache.", MetricType::Gauge,
                                  static_cast<double>(counters.cached_apps())));
    out.push_back(metrics::single("herald_app_store_negative_cache_entries",
                                  "Unknown keys and ids remembered by the app store's cache.",
                                  MetricType::Gauge,
                                  static_cast<double>(counters.negative_entries())));
    out.push_back(metrics::single("herald_app_store_queries_waiting",
                                  "Lookups waiting for a thread of the app store.",
                                  MetricType::Gauge, static_cast<double>(counters.waiting())));
    return out;
}

}  // namespace

std::shared_ptr<const prometheus::Collectable> webhook_metrics(const webhooks::Counters& counters) {
    return std::make_shared<metrics::CallbackCollectable>(
            [&counters] { return collect_webhooks(counters); });
}

std::shared_ptr<const prometheus::Collectable> cluster_metrics(
        const cluster::RedisAdapter& adapter) {
    return std::make_shared<metrics::CallbackCollectable>(
            [&adapter] { return collect_cluster(adapter); });
}

std::shared_ptr<const prometheus::Collectable> app_store_metrics(const AppStoreCounters& counters) {
    return std::make_shared<metrics::CallbackCollectable>(
            [&counters] { return collect_app_store(counters); });
}

}  // namespace herald::server
