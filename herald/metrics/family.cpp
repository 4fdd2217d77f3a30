#include "herald/metrics/family.h"

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

}  // namespace herald::metrics
