// herald/server/rest_rate.h
//
// The per-app budget of events triggered through the REST API
// (AppLimits::max_backend_events_per_second): each app may publish at most `limit` events in
// any one Unix second; a request that would go over is refused whole (429, §8.1) and takes
// nothing. One event sent to N channels counts N. Fixed one-second windows keep the check a
// compare and an add under a small per-app mutex: REST requests are not the delivery hot path.
// Owner: the REST API; try_take() is thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <vector>

namespace herald::server {

class BackendRateLimiter {
public:
    explicit BackendRateLimiter(std::size_t apps);

    // Takes `events` from app `app`'s budget for second `now`. False, taking nothing, when
    // that would exceed `limit`; a `limit` of 0 means unlimited. An unknown `app` is refused.
    [[nodiscard]] bool try_take(std::size_t app, std::size_t limit, std::int64_t now,
                                std::size_t events);

private:
    struct Window {
        std::mutex mutex;
        std::int64_t second = 0;
        std::size_t used = 0;
    };

    std::vector<Window> windows_;  // one per app, sized once: never moved
};

}  // namespace herald::server
