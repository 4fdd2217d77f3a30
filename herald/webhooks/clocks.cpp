#include "herald/webhooks/clocks.h"

#include <chrono>

#include "herald/util/random.h"

namespace herald::webhooks {

namespace {

// The top 53 bits of `bits` as a double in [0, 1).
double unit(std::uint64_t bits) {
    constexpr int kMantissaBits = 53;
    return static_cast<double>(bits >> (64 - kMantissaBits)) /
           static_cast<double>(std::uint64_t{1} << kMantissaBits);
}

}  // namespace

Clocks Clocks::system() {
    Clocks clocks;
    clocks.now = [] {
        return Clock::now();
    };
    clocks.wall_ms = [] {
        return std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                .count();
    };
    clocks.jitter = [random = util::FastRandom()]() mutable {
        return unit(random.next());
    };
    return clocks;
}

}  // namespace herald::webhooks
