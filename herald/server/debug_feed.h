// herald/server/debug_feed.h
//
// The dashboard's live console (docs/OPERATIONS.md, "Dashboard"): what happens to an app's
// connections, channels, API messages, client events and webhooks, each as one JSON object
// (console_event.h), handed to the consoles watching that app. Producers ask watching(app)
// first, which is one relaxed atomic load: with no console open the hot paths pay nothing else
// and build nothing. A watcher takes at most kMaxPerSecond events a second and counts the rest as
// skipped (the page says how many), so a flood never grows its queue. Events reach a watcher in
// batches: its wake function runs once when its queue goes from empty to non-empty, and the
// watcher then take()s everything queued.
// Owner: the server. publish() from any thread; watch() and a Watcher's take() from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace herald::server {

class DebugFeed {
public:
    static constexpr std::size_t kMaxPerSecond = 200;

    using Wake = std::function<void()>;

    // What one console receives. Thread-safe.
    class Watcher {
    public:
        Watcher(std::optional<std::size_t> app, Wake wake) : app_(app), wake_(std::move(wake)) {}

        struct Batch {
            std::vector<std::string> events;  // oldest first
            std::uint64_t skipped = 0;        // over the rate since the last take()
        };

        // Everything queued since the last take(); the next event wakes the watcher again.
        [[nodiscard]] Batch take();

        [[nodiscard]] const std::optional<std::size_t>& app() const noexcept { return app_; }

    private:
        friend class DebugFeed;
        using Clock = std::chrono::steady_clock;

        // Queues `event` unless over the rate; true when the watcher must be woken.
        bool offer(const std::string& event, Clock::time_point now);

        std::optional<std::size_t> app_;
        Wake wake_;
        std::mutex mutex_;
        Batch queued_;
        Clock::time_point window_{};
        std::size_t in_window_ = 0;
        bool awake_ = false;  // a wake is pending: take() has not run since
    };

    // `apps`: the registry's capacity (slots).
    explicit DebugFeed(std::size_t apps);

    // True while some console watches `app`; the only cost producers pay otherwise.
    [[nodiscard]] bool watching(std::size_t app) const noexcept {
        return app < watched_.size() && watched_[app].load(std::memory_order_relaxed) != 0;
    }

    [[nodiscard]] bool watching_any() const noexcept {
        return watchers_count_.load(std::memory_order_relaxed) != 0;
    }

    // One event of `app` to the consoles watching it.
    void publish(std::size_t app, const std::string& event);
    // One event of the node (cluster nodes joined or gone) to every console.
    void publish_to_all(const std::string& event);

    // A console for `app` (nothing: node events only) until unwatch().
    [[nodiscard]] std::shared_ptr<Watcher> watch(std::optional<std::size_t> app, Wake wake);
    void unwatch(const std::shared_ptr<Watcher>& watcher);

private:
    template <typename Match>
    void deliver(const std::string& event, Match match);

    std::mutex mutex_;
    std::vector<std::shared_ptr<Watcher>> watchers_;
    std::vector<std::atomic<std::uint32_t>> watched_;  // consoles per app slot
    std::atomic<std::size_t> watchers_count_{0};
};

}  // namespace herald::server
