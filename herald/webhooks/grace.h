// herald/webhooks/grace.h
//
// The timing rules of protocol.md §9.4 and §4.14 as a pure filter over the events of one node:
// channel_vacated and member_removed are held for the grace delay; a channel_occupied (or a
// member_added of the same user) inside it cancels both the held removal and itself, so a page
// reload produces no vacated/occupied or removed/added pair. cache_miss is sent at most once per
// channel per interval. Time is passed in, so tests need no clock.
// Owner: the webhook thread.
#pragma once

#include <chrono>
#include <cstddef>
#include <list>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "herald/webhooks/event.h"

namespace herald::webhooks {

using Clock = std::chrono::steady_clock;

// An event of an app (its index in the server's app list).
struct AppEvent {
    std::size_t app = 0;
    Event event;

    friend bool operator==(const AppEvent&, const AppEvent&) = default;
};

class GraceFilter {
public:
    GraceFilter(Clock::duration grace, Clock::duration cache_miss_interval);

    // Appends to `out` what goes out now (nothing when the event is held or cancelled).
    void push(AppEvent item, Clock::time_point now, std::vector<AppEvent>& out);

    // Appends the held removals whose delay has passed, in the order they happened.
    void release_due(Clock::time_point now, std::vector<AppEvent>& out);

    // Appends every held removal (at shutdown: the channels are really left).
    void release_all(std::vector<AppEvent>& out);

    [[nodiscard]] std::optional<Clock::time_point> next_due() const;

    [[nodiscard]] std::size_t held() const noexcept { return held_.size(); }

private:
    struct Held {
        std::string key;
        AppEvent item;
        Clock::time_point due;
    };

    [[nodiscard]] static std::string key_of(const AppEvent& item);
    bool cancel(const std::string& key);
    bool first_cache_miss(const AppEvent& item, Clock::time_point now);

    Clock::duration grace_;
    Clock::duration cache_miss_interval_;
    std::list<Held> held_;  // by due time: every entry waits the same delay
    std::unordered_map<std::string, std::list<Held>::iterator> index_;
    std::unordered_map<std::string, Clock::time_point> cache_misses_;  // key -> last sent
    Clock::time_point cache_misses_swept_{};
};

}  // namespace herald::webhooks
