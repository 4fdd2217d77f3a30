// herald/metrics/counter_block.h
//
// A fixed array of counters written by one thread and read by any. The writer adds with a relaxed
// load and a relaxed store (no locked read-modify-write: nobody else writes the cell), and a
// reader sees each cell's latest store or an earlier one, never a torn value. So a worker counts
// every message it handles for the cost of an add, and a scrape sums the workers' blocks without
// stopping them (docs/decisions/0006-metrics-with-prometheus-cpp.md).
// Owner: one writer thread (its worker); read() from any thread.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>

#include "herald/util/assert.h"

namespace herald::metrics {

class CounterBlock {
public:
    explicit CounterBlock(std::size_t size);

    // On the writer thread only.
    void add(std::size_t slot, std::uint64_t n = 1) noexcept {
        HERALD_ASSERT(slot < size_);
        auto& cell = cells_[slot];
        cell.store(cell.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
    }

    // From any thread.
    [[nodiscard]] std::uint64_t read(std::size_t slot) const noexcept {
        return cells_[slot].load(std::memory_order_relaxed);
    }

    [[nodiscard]] std::size_t size() const noexcept { return size_; }

private:
    std::size_t size_;
    std::unique_ptr<std::atomic<std::uint64_t>[]> cells_;
};

}  // namespace herald::metrics
