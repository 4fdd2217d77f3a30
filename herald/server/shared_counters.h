// herald/server/shared_counters.h
//
// Counters any thread adds to with a relaxed fetch_add: for counts per publication, handshake,
// REST request or reload, never per delivered message (those are per-worker CounterBlocks).
// Owner: whoever holds it; add() and read() from any thread.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace herald::server {

class SharedCounters {
public:
    explicit SharedCounters(std::size_t size) : cells_(size) {}

    void add(std::size_t slot, std::uint64_t n = 1) noexcept {
        cells_[slot].fetch_add(n, std::memory_order_relaxed);
    }

    [[nodiscard]] std::uint64_t read(std::size_t slot) const noexcept {
        return cells_[slot].load(std::memory_order_relaxed);
    }

    [[nodiscard]] std::size_t size() const noexcept { return cells_.size(); }

private:
    std::vector<std::atomic<std::uint64_t>> cells_;
};

}  // namespace herald::server
