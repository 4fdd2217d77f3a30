// herald/webhooks/outbound.h
//
// One webhook request waiting for delivery: the signed body of one batch for one URL, with what
// retrying needs (§9.2: the same bytes on every attempt). Plus the backoff between attempts:
// exponential with "equal jitter", so receivers that come back are not hit by every sender at once.
// Owner: the webhook thread.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "herald/webhooks/target.h"

namespace herald::webhooks {

struct Outbound {
    std::uint64_t id = 0;      // spool record id, increasing in creation order
    std::int64_t time_ms = 0;  // creation time: the body's time_ms
    std::size_t events = 0;    // events in the body
    std::string url;
    std::string key;
    std::string app_id;  // for the metrics; not in the spool (found by `key` when replayed)
    std::string signature;
    std::vector<Header> headers;  // the target's extra headers, as when the request was made
    std::string body;
    unsigned failures = 0;
    std::chrono::steady_clock::time_point next_attempt{};
};

// The wait after the `failures`-th failed attempt (1, 2, ...): `initial` doubled per failure up to
// `max`, then scaled into [half, whole) by `jitter` in [0, 1).
[[nodiscard]] std::chrono::milliseconds backoff(unsigned failures,
                                                std::chrono::milliseconds initial,
                                                std::chrono::milliseconds max, double jitter);

}  // namespace herald::webhooks
