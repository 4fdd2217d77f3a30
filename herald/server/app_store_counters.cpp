#include "herald/server/app_store_counters.h"

#include <algorithm>

namespace herald::server {

void AppStoreCounters::queried(bool ok, std::chrono::steady_clock::duration took) noexcept {
    (ok ? queries_answered_ : query_errors_).fetch_add(1, std::memory_order_relaxed);
    const auto seconds = std::chrono::duration<double>(took).count();
    const auto* const bucket = std::lower_bound(kBuckets.begin(), kBuckets.end(), seconds);
    query_buckets_[static_cast<std::size_t>(bucket - kBuckets.begin())].fetch_add(
            1, std::memory_order_relaxed);
    const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(took).count();
    query_micros_.fetch_add(static_cast<std::uint64_t>(std::max<std::int64_t>(micros, 0)),
                            std::memory_order_relaxed);
}

std::array<std::uint64_t, AppStoreCounters::kBuckets.size() + 1> AppStoreCounters::query_buckets()
        const noexcept {
    std::array<std::uint64_t, kBuckets.size() + 1> out{};
    for (std::size_t i = 0; i < out.size(); ++i) {
        out[i] = query_buckets_[i].load(std::memory_order_relaxed);
    }
    return out;
}

}  // namespace herald::server
