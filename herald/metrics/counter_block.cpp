#include "herald/metrics/counter_block.h"

namespace herald::metrics {

CounterBlock::CounterBlock(std::size_t size)
    : size_(size), cells_(std::make_unique<std::atomic<std::uint64_t>[]>(size)) {
    for (std::size_t i = 0; i < size_; ++i) {
        cells_[i].store(0, std::memory_order_relaxed);
    }
}

}  // namespace herald::metrics
