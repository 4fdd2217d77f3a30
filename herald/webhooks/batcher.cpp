#include "herald/webhooks/batcher.h"

#include <algorithm>
#include <utility>

namespace herald::webhooks {

Batcher::Batcher(std::size_t targets, Clock::duration window, std::size_t max_events)
    : window_(window), max_events_(std::max<std::size_t>(1, max_events)), open_(targets) {}

void Batcher::close(std::size_t target, std::vector<Batch>& ready) {
    auto& open = open_[target];
    ready.push_back(Batch{target, std::move(open.events)});
    open.events = {};
}

void Batcher::add(std::size_t target, Event event, Clock::time_point now,
                  std::vector<Batch>& ready) {
    auto& open = open_[target];
    if (open.events.empty()) {
        open.first = now;
    }
    open.events.push_back(std::move(event));
    if (open.events.size() >= max_events_) {
        close(target, ready);
    }
}

void Batcher::take_due(Clock::time_point now, std::vector<Batch>& ready) {
    for (std::size_t target = 0; target < open_.size(); ++target) {
        const auto& open = open_[target];
        if (!open.events.empty() && now - open.first >= window_) {
            close(target, ready);
        }
    }
}

void Batcher::take_all(std::vector<Batch>& ready) {
    for (std::size_t target = 0; target < open_.size(); ++target) {
        if (!open_[target].events.empty()) {
            close(target, ready);
        }
    }
}

std::optional<Batcher::Clock::time_point> Batcher::next_due() const {
    std::optional<Clock::time_point> due;
    for (const auto& open : open_) {
        if (!open.events.empty() && (!due || open.first + window_ < *due)) {
            due = open.first + window_;
        }
    }
    return due;
}

}  // namespace herald::webhooks
