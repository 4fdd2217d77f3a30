// herald/metrics/family.h
//
// Building prometheus-cpp's MetricFamily values by hand, for collectables that compute their
// samples when scraped instead of keeping prometheus::Counter objects.
// Owner: none (pure functions).
#pragma once

#include <cstdint>
#include <span>
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

// A family of one unlabelled sample.
[[nodiscard]] prometheus::MetricFamily single(std::string name, std::string help,
                                              prometheus::MetricType type, double value);

// Appends one histogram sample: `counts` holds the observations per bucket, not cumulative, one
// cell per upper bound in `bounds` and a last one above them all (+Inf); `sum` is their total.
void add_histogram(prometheus::MetricFamily& family, Labels labels, std::span<const double> bounds,
                   std::span<const std::uint64_t> counts, double sum);

}  // namespace herald::metrics
