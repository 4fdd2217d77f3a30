// herald/metrics/worker_counters.h
//
// Counter families kept per worker and summed when scraped. The layout names the families and
// their series (label sets) once; each worker then owns a CounterBlock with one slot per series
// and counts into it without locks. Collect() reads every block and adds them up, so a scrape
// costs slots × workers loads, whatever the traffic.
// Owner: the server. Blocks are written by their workers; Collect() runs on any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>

#include "herald/metrics/counter_block.h"
#include "herald/metrics/family.h"

namespace herald::metrics {

// The families of a CounterBlock: series i of a family is at slot first + i.
class CounterLayout {
public:
    // Adds a counter family with these series; returns the slot of its first. A sparse family
    // shows only its series that are not zero (many possible series, few of them ever seen).
    std::size_t add_counter(std::string name, std::string help, std::vector<Labels> series,
                            bool sparse = false);

    // Adds `count` slots that families() does not show: their owner reads sums() and builds the
    // families itself (series whose labels are known only when scraped). Returns the first.
    std::size_t reserve(std::size_t count);

    [[nodiscard]] std::size_t slots() const noexcept { return slots_; }

    // The families with each series' value taken from values[slot].
    [[nodiscard]] std::vector<prometheus::MetricFamily> families(
            const std::vector<std::uint64_t>& values) const;

private:
    struct Family {
        std::string name;
        std::string help;
        std::size_t first = 0;
        std::vector<Labels> series;
        bool sparse = false;
    };

    std::vector<Family> families_;
    std::size_t slots_ = 0;
};

class WorkerCounters final : public prometheus::Collectable {
public:
    WorkerCounters(CounterLayout layout, std::size_t workers);

    // Worker w's block: written on that worker's thread only.
    [[nodiscard]] CounterBlock& block(std::size_t worker) noexcept { return blocks_[worker]; }

    // Every slot summed over the workers.
    [[nodiscard]] std::vector<std::uint64_t> sums() const;

    [[nodiscard]] std::vector<prometheus::MetricFamily> Collect() const override;

private:
    CounterLayout layout_;
    std::vector<CounterBlock> blocks_;
};

}  // namespace herald::metrics
