// herald/util/throttle.h
//
// Rate limiting for log lines a client can cause (a spool that is full, a receiver that fails, a
// connection that throws): at most `burst` lines per `interval` from one call site, the others
// counted. The first line let through in a later interval reports how many were held back, so a
// flood costs a few lines per interval instead of one per event, and nothing goes unmentioned.
// The decision is pure (time is passed in); the caller writes the line.
// Owner: any thread (admit() takes a short lock).
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>

namespace herald::util {

class Throttle {
public:
    using Clock = std::chrono::steady_clock;

    explicit Throttle(std::uint32_t burst = 10,
                      Clock::duration interval = std::chrono::seconds(10));

    // Whether a line may go out at `now`; if so, how many were held back before it.
    [[nodiscard]] std::optional<std::uint64_t> admit(Clock::time_point now = Clock::now());

private:
    std::mutex mutex_;
    std::uint32_t burst_;
    Clock::duration interval_;
    Clock::time_point window_start_{};
    std::uint32_t passed_ = 0;
    std::uint64_t held_back_ = 0;
};

// " (N more like it not logged)" for N > 0, else "": appended to the line admit() let through.
[[nodiscard]] std::string held_back_note(std::uint64_t held_back);

// Writes a line through `log(note)` when `throttle` admits it; `note` is held_back_note(...).
template <class Log>
void log_throttled(Throttle& throttle, Log&& log) {
    if (const auto held_back = throttle.admit()) {
        log(held_back_note(*held_back));
    }
}

}  // namespace herald::util
