#include "herald/metrics/worker_counters.h"

#include <utility>

namespace herald::metrics {

std::size_t CounterLayout::add_counter(std::string name, std::string help,
                                       std::vector<Labels> series, bool sparse) {
    const auto first = slots_;
    slots_ += series.size();
    families_.push_back(Family{std::move(name), std::move(help), first, std::move(series), sparse});
    return first;
}

std::size_t CounterLayout::reserve(std::size_t count) {
    const auto first = slots_;
    slots_ += count;
    return first;
}

std::vector<prometheus::MetricFamily> CounterLayout::families(
        const std::vector<std::uint64_t>& values) const {
    std::vector<prometheus::MetricFamily> out;
    out.reserve(families_.size());
    for (const auto& f : families_) {
        auto built = family(f.name, f.help, prometheus::MetricType::Counter);
        built.metric.reserve(f.series.size());
        for (std::size_t i = 0; i < f.series.size(); ++i) {
            if (f.sparse && values[f.first + i] == 0) {
                continue;
            }
            add_sample(built, f.series[i], static_cast<double>(values[f.first + i]));
        }
        out.push_back(std::move(built));
    }
    return out;
}

WorkerCounters::WorkerCounters(CounterLayout layout, std::size_t workers)
    : layout_(std::move(layout)) {
    blocks_.reserve(workers);
    for (std::size_t i = 0; i < workers; ++i) {
        blocks_.emplace_back(layout_.slots());
    }
}

std::vector<std::uint64_t> WorkerCounters::sums() const {
    std::vector<std::uint64_t> total(layout_.slots(), 0);
    for (const auto& block : blocks_) {
        for (std::size_t slot = 0; slot < total.size(); ++slot) {
            total[slot] += block.read(slot);
        }
    }
    return total;
}

std::vector<prometheus::MetricFamily> WorkerCounters::Collect() const {
    return layout_.families(sums());
}

}  // namespace herald::metrics
