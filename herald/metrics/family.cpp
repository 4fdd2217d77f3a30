#include "herald/metrics/family.h"

#include <limits>
#include <utility>

namespace herald::metrics {

prometheus::MetricFamily family(std::string name, std::string help, prometheus::MetricType type) {
    prometheus::MetricFamily f;
    f.name = std::move(name);
    f.help = std::move(help);
    f.type = type;
    return f;
}

void add_sample(prometheus::MetricFamily& family, Labels labels, double value) {
    prometheus::ClientMetric metric;
    metric.label = std::move(labels);
    switch (family.type) {
        case prometheus::MetricType::Counter:
            metric.counter.value = value;
            break;
        case prometheus::MetricType::Gauge:
            metric.gauge.value = value;
            break;
        default:
            metric.untyped.value = value;
            break;
    }
    family.metric.push_back(std::move(metric));
}

prometheus::MetricFamily single(std::string name, std::string help, prometheus::MetricType type,
                                double value) {
    auto f = family(std::move(name), std::move(help), type);
    add_sample(f, {}, value);
    return f;
}

void add_histogram(prometheus::MetricFamily& family, Labels labels, std::span<const double> bounds,
                   std::span<const std::uint64_t> counts, double sum) {
    prometheus::ClientMetric metric;
    metric.label = std::move(labels);
    std::uint64_t cumulative = 0;
    for (std::size_t b = 0; b < counts.size(); ++b) {
        cumulative += counts[b];
        metric.histogram.bucket.push_back(
                {cumulative,
                 b < bounds.size() ? bounds[b] : std::numeric_limits<double>::infinity()});
    }
    metric.histogram.sample_count = cumulative;
    metric.histogram.sample_sum = sum;
    family.metric.push_back(std::move(metric));
}

}  // namespace herald::metrics
