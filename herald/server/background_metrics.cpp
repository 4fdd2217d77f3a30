#include "herald/server/background_metrics.h"

// <utility> first: Boost 1.74 headers rely on it under GCC 12 in C++20 mode.
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
    auto queue =
            metrics::family("herald_webhook_queue_events",
                            "Webhook events in requests waiting for delivery.", MetricType::Gauge);
    metrics::add_sample(queue, {}, value(counters.queued));
    auto spool = metrics::family("herald_webhook_spool_bytes",
                                 "Bytes of the spool's records of requests waiting for delivery.",
                                 MetricType::Gauge);
    metrics::add_sample(spool, {}, value(counters.spool_bytes));
    std::vector<MetricFamily> out;
    out.push_back(std::move(requests));
    out.push_back(std::move(queue));
    out.push_back(std::move(spool));
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

}  // namespace herald::server
