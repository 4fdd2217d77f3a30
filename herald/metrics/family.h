// herald/metrics/family.h
//
// Building prometheus-cpp's MetricFamily values by hand, for collectables that compute their
// samples when scraped instead of keeping prometheus::Counter objects.
// Owner: none (pure functions).
#pragma once

#include <string>
#include <vector>

#include <prometheus/client_metric.h>
#include <prometheus/metric_family.h>
#include <prometheus/metric_type.h>

namespace herald::metrics {

using Labels = std::vector<prometheus::ClientMetric::Label>;

// A family without samples.
[[nodiscard]] prometheus::MetricFamily family(std::string name, std::string help,
                                              prometheus::MetricType type);

// Appends one sample: the counter, gauge or untyped value, as the family's type says.
void add_sample(prometheus::MetricFamily& family, Labels labels, double value);

}  // namespace herald::metrics
