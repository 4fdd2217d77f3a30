// herald/appstore/app_cache.h
//
// The server's view of an app store: an AppSource that answers from a cache and asks the
// database on threads of its own, never on the caller's.
// - A found app is fresh for `ttl` (0: never, so every lookup asks the database); then the next
//   lookup asks again and waits for the answer.
// - Concurrent lookups of one key (or id) share one query.
// - An unknown key or id is remembered for `ttl` too, in a table of at most `max_unknown`
//   entries (the oldest go first), so a flood of random keys holds bounded memory; a key that
//   cannot be an app's (empty, longer than 255 bytes, not printable ASCII) is refused without a
//   query.
// - When the database fails, lookups are answered from what is known, however old (stale is
//   better than down), the store is marked unreachable and asked again only after a back-off
//   that doubles up to `max_backoff`; an outage and the recovery are logged once each.
// - At most `max_waiting` queries wait for a thread; beyond that a lookup is answered at once
//   from what is known (as in an outage), so a slow database cannot pile up work.
// Owner: the process; thread-safe. Answers given later run on the cache's threads; the cache
// must outlive whoever may still receive one (it drops what is still waiting when destroyed).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "herald/appstore/backend.h"
#include "herald/server/app_source.h"
#include "herald/util/throttle.h"

namespace herald::appstore {

struct CacheOptions {
    std::chrono::seconds ttl{60};
    std::size_t threads = 2;
    std::size_t max_unknown = 10000;
    std::size_t max_waiting = 1024;
    std::chrono::milliseconds min_backoff{250};
    std::chrono::milliseconds max_backoff{10000};
    std::string description;  // for the log: where the store is
};

// What the cache has done since it started (read by the metrics scrape).
struct CacheCounters {
    std::atomic<std::uint64_t> hits{0};         // answered from a fresh entry
    std::atomic<std::uint64_t> queries{0};      // lookups sent to the database
    std::atomic<std::uint64_t> failures{0};     // queries the database did not answer
    std::atomic<std::uint64_t> stale{0};        // answered from an expired entry: store down
    std::atomic<std::uint64_t> unknown{0};      // answered "no such app"
    std::atomic<std::uint64_t> unreachable{0};  // 1 while the store is marked down
};

class AppCache final : public server::AppSource {
public:
    using Clock = std::chrono::steady_clock;

    AppCache(BackendFactory backends, CacheOptions options,
             std::function<Clock::time_point()> now = Clock::now);
    ~AppCache() override;
    AppCache(const AppCache&) = delete;
    AppCache& operator=(const AppCache&) = delete;

    [[nodiscard]] std::optional<server::AppAnswer> find(server::AppLookup by,
                                                        std::string_view value,
                                                        Callback later) override;

    [[nodiscard]] std::string describe() const override { return options_.description; }

    [[nodiscard]] const CacheCounters& counters() const noexcept { return counters_; }

    // How many unknown keys and ids are remembered now.
    [[nodiscard]] std::size_t unknown_entries() const;

    // Whether `value` can be an app's key or id at all (what is asked of the database).
    [[nodiscard]] static bool plausible(std::string_view value) noexcept;

private:
    struct Known {
        server::AppPtr app;
        Clock::time_point fetched;
    };

    struct Query {
        server::AppLookup by;
        std::string value;
    };

    using Name = std::pair<server::AppLookup, std::string>;

    void run(std::size_t thread);
    void answer(const Query& query, DbResult<std::optional<AppRow>> result);
    // Under mutex_: what is known of `name`, fresh or not (nullptr: nothing).
    [[nodiscard]] const Known* known(const Name& name) const;
    [[nodiscard]] server::AppAnswer from_memory(const Name& name) const;
    void remember(server::AppPtr app, Clock::time_point now);
    void forget(const Name& name);
    void remember_unknown(const Name& name, Clock::time_point now);
    void mark_down(const std::string& error, Clock::time_point now);
    void mark_up();

    BackendFactory backends_;
    CacheOptions options_;
    std::function<Clock::time_point()> now_;
    mutable CacheCounters counters_;  // counted in const lookups too
    util::Throttle bad_rows_;

    mutable std::mutex mutex_;
    std::condition_variable work_;
    std::map<Name, Known> known_;  // found apps, under their key and under their id
    std::unordered_map<std::string, Clock::time_point> unknown_;  // "k:" or "i:" + value
    std::deque<std::string> unknown_order_;                       // oldest first
    std::map<Name, std::vector<Callback>> waiting_;               // one query each
    std::deque<Query> queue_;
    bool down_ = false;
    Clock::time_point retry_at_{};
    std::chrono::milliseconds backoff_{0};
    bool stopping_ = false;
    std::vector<std::thread> threads_;
};

}  // namespace herald::appstore
