#include "herald/server/debug_feed.h"

#include <algorithm>
#include <utility>

namespace herald::server {

DebugFeed::Watcher::Batch DebugFeed::Watcher::take() {
    std::lock_guard lock(mutex_);
    awake_ = false;
    return std::exchange(queued_, Batch{});
}

bool DebugFeed::Watcher::offer(const std::string& event, Clock::time_point now) {
    std::lock_guard lock(mutex_);
    if (now - window_ >= std::chrono::seconds(1)) {
        window_ = now;
        in_window_ = 0;
    }
    if (in_window_ >= kMaxPerSecond) {
        ++queued_.skipped;
    } else {
        ++in_window_;
        queued_.events.push_back(event);
    }
    return !std::exchange(awake_, true);
}

DebugFeed::DebugFeed(std::size_t apps) : watched_(apps) {}

template <typename Match>
void DebugFeed::deliver(const std::string& event, Match match) {
    const auto now = Watcher::Clock::now();
    std::vector<std::shared_ptr<Watcher>> woken;
    {
        std::lock_guard lock(mutex_);
        for (const auto& watcher : watchers_) {
            if (match(*watcher) && watcher->offer(event, now)) {
                woken.push_back(watcher);
            }
        }
    }
    for (const auto& watcher : woken) {  // outside the lock: a wake posts to a worker
        watcher->wake_();
    }
}

void DebugFeed::publish(std::size_t app, const std::string& event) {
    deliver(event, [app](const Watcher& w) { return w.app() == app; });
}

void DebugFeed::publish_to_all(const std::string& event) {
    deliver(event, [](const Watcher&) { return true; });
}

std::shared_ptr<DebugFeed::Watcher> DebugFeed::watch(std::optional<std::size_t> app, Wake wake) {
    auto watcher = std::make_shared<Watcher>(app, std::move(wake));
    std::lock_guard lock(mutex_);
    watchers_.push_back(watcher);
    watchers_count_.fetch_add(1, std::memory_order_relaxed);
    if (app && *app < watched_.size()) {
        watched_[*app].fetch_add(1, std::memory_order_relaxed);
    }
    return watcher;
}

void DebugFeed::unwatch(const std::shared_ptr<Watcher>& watcher) {
    std::lock_guard lock(mutex_);
    const auto it = std::find(watchers_.begin(), watchers_.end(), watcher);
    if (it == watchers_.end()) {
        return;
    }
    watchers_.erase(it);
    watchers_count_.fetch_sub(1, std::memory_order_relaxed);
    const auto& app = watcher->app();
    if (app && *app < watched_.size()) {
        watched_[*app].fetch_sub(1, std::memory_order_relaxed);
    }
}

}  // namespace herald::server
