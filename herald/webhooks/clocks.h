// herald/webhooks/clocks.h
//
// What the webhook logic reads of time and chance, passed in so that tests can script it: the
// monotonic clock (grace delays, batch windows, backoff, the shutdown flush), the wall clock in
// Unix milliseconds (the bodies' time_ms, from which the retry window counts) and the jitter of
// each backoff.
// Owner: the webhook thread (the functions are called there only).
#pragma once

#include <cstdint>
#include <functional>

#include "herald/webhooks/grace.h"

namespace herald::webhooks {

struct Clocks {
    std::function<Clock::time_point()> now;  // monotonic
    std::function<std::int64_t()> wall_ms;   // milliseconds since the Unix epoch
    std::function<double()> jitter;          // uniform in [0, 1)

    // steady_clock, system_clock and a FastRandom seeded from the CSPRNG.
    [[nodiscard]] static Clocks system();
};

}  // namespace herald::webhooks
