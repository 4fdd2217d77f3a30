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
// - Every lookup is counted by how it was answered, every query by its result and duration
//   (server::AppStoreCounters), with a relaxed add each: no lock beyond the cache's own.
// Owner: the process; thread-safe. Answers given later run on the cache's threads; the cache
// must outlive whoever may still receive one (it drops what is still waiting when destroyed).
#pragma once

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

    [[nodiscard]] const server::AppStoreCounters& counters() const noexcept override {
        return counters_;
    }

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
    // Under mutex_: the answer when the database is not asked (down, or too busy) for `lookups`
    // lookups of `name`, counted as stale or unavailable.
    [[nodiscard]] server::AppAnswer from_memory(const Name& name, std::uint64_t lookups) const;
    // Under mutex_: what the database's `row` for `name` makes known (an app, or an unknown key
    // or id) and the answer for its `lookups` lookups; `bad_row` says why a row does not read,
    // `skipped` which of its webhooks were left out and why.
    [[nodiscard]] server::AppAnswer take(const Name& name, const std::optional<AppRow>& row,
                                         Clock::time_point now, std::uint64_t lookups,
                                         std::optional<std::string>& bad_row,
                                         std::vector<std::string>& skipped);
    void remember(server::AppPtr app, Clock::time_point now);
    void forget(const Name& name);
    void remember_unknown(const Name& name, Clock::time_point now);
    void mark_down(const std::string& error, Clock::time_point now);
    void mark_up();
    // Under mutex_: the gauges of what the cache holds, after a change.
    void count_entries() const;

    BackendFactory backends_;
    CacheOptions options_;
    std::function<Clock::time_point()> now_;
    mutable server::AppStoreCounters counters_;  // counted in const lookups too
    util::Throttle bad_rows_;
    util::Throttle skipped_webhooks_;  // a bad header is seen again at every refresh of its row

    mutable std::mutex mutex_;
    std::condition_variable work_;
    std::map<Name, Known> known_;  // found apps, under their key and under their id
    std::size_t known_apps_ = 0;   // the entries of known_ under an id
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
