#include "herald/webhooks/outbound.h"

#include <algorithm>

namespace herald::webhooks {

std::chrono::milliseconds backoff(unsigned failures, std::chrono::milliseconds initial,
                                  std::chrono::milliseconds max, double jitter) {
    auto base = std::max<std::int64_t>(1, initial.count());
    const auto cap = std::max<std::int64_t>(base, max.count());
    for (unsigned i = 1; i < failures && base < cap; ++i) {
        base *= 2;
    }
    base = std::min(base, cap);
    const auto half = static_cast<double>(base) / 2;
    return std::chrono::milliseconds(
            static_cast<std::int64_t>(half + half * std::clamp(jitter, 0.0, 1.0)));
}

}  // namespace herald::webhooks
