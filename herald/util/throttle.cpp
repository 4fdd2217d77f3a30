// herald/util/throttle.cpp
#include "herald/util/throttle.h"

namespace herald::util {

Throttle::Throttle(std::uint32_t burst, Clock::duration interval)
    : burst_(burst), interval_(interval) {}

std::optional<std::uint64_t> Throttle::admit(Clock::time_point now) {
    const std::lock_guard lock(mutex_);
    if (passed_ == 0 || now - window_start_ >= interval_) {
        window_start_ = now;
        passed_ = 0;
    }
    if (passed_ >= burst_) {
        ++held_back_;
        return std::nullopt;
    }
    ++passed_;
    const std::uint64_t held_back = held_back_;
    held_back_ = 0;
    return held_back;
}

std::string held_back_note(std::uint64_t held_back) {
    if (held_back == 0) {
        return {};
    }
    return " (" + std::to_string(held_back) + " more like it not logged)";
}

}  // namespace herald::util
