#include "herald/client/reconnect.h"

#include <algorithm>

#include "herald/pusher/error_code.h"

namespace herald::client {

AfterClose after_close(std::uint16_t code) noexcept {
    if (code == pusher::to_int(pusher::ErrorCode::SslOnly)) {
        return AfterClose::Tls;
    }
    switch (pusher::range_of(code)) {
        case pusher::ErrorRange::Fatal:
        case pusher::ErrorRange::Other:
            return AfterClose::Fail;
        case pusher::ErrorRange::Reconnect:
            return AfterClose::Now;
        case pusher::ErrorRange::Backoff:
        case pusher::ErrorRange::NotPusher:
            break;
    }
    // Codes above 4399 are outside the protocol's ranges; pusher-js refuses them too (§5.2).
    return code >= 4400 ? AfterClose::Fail : AfterClose::Backoff;
}

Backoff::Backoff(std::chrono::milliseconds first, std::chrono::milliseconds cap) noexcept
    : first_(std::max(first, std::chrono::milliseconds(1))), cap_(std::max(cap, first_)) {}

std::chrono::milliseconds Backoff::next(double unit) noexcept {
    auto delay = first_;
    for (unsigned i = 0; i < attempts_ && delay < cap_; ++i) {
        delay *= 2;
    }
    delay = std::min(delay, cap_);
    ++attempts_;
    unit = std::clamp(unit, 0.0, 1.0);
    const auto half = delay / 2;
    return half + std::chrono::milliseconds(static_cast<std::int64_t>(
                          static_cast<double>((delay - half).count()) * unit));
}

}  // namespace herald::client
