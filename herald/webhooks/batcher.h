// herald/webhooks/batcher.h
//
// Gathers the events of each target into batches (protocol.md §9.5): a batch is ready when it
// holds `max_events` events or its first event has waited `window`. Order inside a target is the
// order of add(). Time is passed in, so tests need no clock.
// Owner: the webhook thread.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <vector>

#include "herald/webhooks/event.h"

namespace herald::webhooks {

struct Batch {
    std::size_t target = 0;
    std::vector<Event> events;
};

class Batcher {
public:
    using Clock = std::chrono::steady_clock;

    Batcher(std::size_t targets, Clock::duration window, std::size_t max_events);

    // Adds to the target's open batch; a batch that becomes full is appended to `ready`.
    void add(std::size_t target, Event event, Clock::time_point now, std::vector<Batch>& ready);

    // Appends the batches whose window has passed.
    void take_due(Clock::time_point now, std::vector<Batch>& ready);

    // Appends every open batch.
    void take_all(std::vector<Batch>& ready);

    [[nodiscard]] std::optional<Clock::time_point> next_due() const;

private:
    struct Open {
        std::vector<Event> events;
        Clock::time_point first{};
    };

    void close(std::size_t target, std::vector<Batch>& ready);

    Clock::duration window_;
    std::size_t max_events_;
    std::vector<Open> open_;  // by target
};

}  // namespace herald::webhooks
