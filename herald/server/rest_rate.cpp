#include "herald/server/rest_rate.h"

namespace herald::server {

BackendRateLimiter::BackendRateLimiter(std::size_t apps) : windows_(apps) {}

bool BackendRateLimiter::try_take(std::size_t app, std::size_t limit, std::int64_t now,
                                  std::size_t events) {
    if (limit == 0) {
        return true;
    }
    if (app >= windows_.size()) {
        return false;
    }
    auto& window = windows_[app];
    const std::lock_guard lock(window.mutex);
    if (window.second != now) {
        window.second = now;
        window.used = 0;
    }
    if (window.used > limit || events > limit - window.used) {
        return false;
    }
    window.used += events;
    return true;
}

}  // namespace herald::server
