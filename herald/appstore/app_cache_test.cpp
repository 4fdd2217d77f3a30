// The cache's logic against a fake backend (rows in memory, a switch to fail, a gate to hold
// queries) and a clock the test moves; the real databases are tested by the interop suites.
// What it counts (server::AppStoreCounters) is checked after each kind of answer.
#include "herald/appstore/app_cache.h"

#include <atomic>
#include <functional>
#include <future>
#include <numeric>

#include <gtest/gtest.h>

namespace herald::appstore {
namespace {

using namespace std::chrono_literals;
using server::AppAnswer;
using server::AppLookup;
using server::StoreLookup;

struct FakeDatabase {
    std::mutex mutex;
    std::condition_variable opened;
    std::map<std::string, AppRow> rows;  // by key
    bool failing = false;
    bool held = false;                  // queries wait until released
    std::atomic<int> entered{0};        // queries begun (held ones included)
    std::atomic<int> finds{0};          // queries answered
    std::function<void()> during_find;  // run by each query before it answers

    void put(const std::string& id, const std::string& key, const std::string& secret) {
        const std::lock_guard lock(mutex);
        rows[key] = AppRow{{"id", id}, {"key", key}, {"secret", secret}};
    }

    void hold(bool on) {
        {
            const std::lock_guard lock(mutex);
            held = on;
        }
        opened.notify_all();
    }
};

class FakeBackend final : public Backend {
public:
    explicit FakeBackend(FakeDatabase& db) : db_(db) {}

    DbResult<std::optional<AppRow>> find(AppLookup by, std::string_view value) override {
        ++db_.entered;
        std::unique_lock lock(db_.mutex);
        db_.opened.wait(lock, [this] { return !db_.held; });
        ++db_.finds;
        if (db_.during_find) {
            db_.during_find();
        }
        if (db_.failing) {
            return util::unexpected(std::string("connection refused"));
        }
        for (const auto& [key, row] : db_.rows) {
            if (*row.at(by == AppLookup::ByKey ? "key" : "id") == value) {
                return std::optional<AppRow>(row);
            }
        }
        return std::optional<AppRow>();
    }

    DbResult<std::vector<AppRow>> list() override { return std::vector<AppRow>{}; }

    DbResult<bool> insert(const AppRow&) override { return true; }

    DbResult<bool> update(std::string_view, const AppRow&) override { return true; }

    DbResult<bool> remove(std::string_view) override { return true; }

private:
    FakeDatabase& db_;
};

class AppCacheTest : public ::testing::Test {
protected:
    std::unique_ptr<AppCache> make(CacheOptions options = {}) {
        options.ttl = options.ttl == 60s ? 10s : options.ttl;
        return std::make_unique<AppCache>([this] { return std::make_unique<FakeBackend>(db); },
                                          options, [this] { return now.load(); });
    }

    // The answer, waiting for the query when there is one.
    static AppAnswer ask(AppCache& cache, AppLookup by, std::string_view value) {
        auto promise = std::make_shared<std::promise<AppAnswer>>();
        auto later = promise->get_future();
        auto now = cache.find(by, value, [promise](AppAnswer a) { promise->set_value(a); });
        if (now) {
            return *now;
        }
        EXPECT_EQ(later.wait_for(5s), std::future_status::ready);
        return later.get();
    }

    void advance(std::chrono::milliseconds by) { now = now.load() + by; }

    FakeDatabase db;
    std::atomic<AppCache::Clock::time_point> now{AppCache::Clock::time_point{} + 1h};
};

TEST_F(AppCacheTest, AFoundAppIsAskedForOncePerTtl) {
    db.put("1", "key-1", "s1");
    auto cache = make();
    const auto first = ask(*cache, AppLookup::ByKey, "key-1");
    ASSERT_TRUE(first.app);
    EXPECT_EQ(first.app->secret, "s1");
    EXPECT_EQ(db.finds, 1);
    // By key and by id from the same row, without another query.
    const auto again = cache->find(AppLookup::ByKey, "key-1", [](AppAnswer) { FAIL(); });
    ASSERT_TRUE(again);
    EXPECT_EQ(again->app, first.app);
    ASSERT_TRUE(cache->find(AppLookup::ById, "1", [](AppAnswer) { FAIL(); }));
    EXPECT_EQ(db.finds, 1);
    db.put("1", "key-1", "s2");
    advance(11s);
    const auto later = ask(*cache, AppLookup::ByKey, "key-1");
    ASSERT_TRUE(later.app);
    EXPECT_EQ(later.app->secret, "s2");
    EXPECT_EQ(db.finds, 2);
    EXPECT_EQ(cache->counters().lookups(StoreLookup::CacheHit), 2U);
    EXPECT_EQ(cache->counters().lookups(StoreLookup::Found), 2U);
    EXPECT_EQ(cache->counters().queries_answered(), 2U);
    EXPECT_EQ(cache->counters().cached_apps(), 1U) << "one app, under its key and its id";
}

TEST_F(AppCacheTest, AnUnchangedRowKeepsItsObject) {
    db.put("1", "key-1", "s1");
    auto cache = make();
    const auto first = ask(*cache, AppLookup::ByKey, "key-1");
    advance(11s);
    const auto second = ask(*cache, AppLookup::ByKey, "key-1");
    EXPECT_EQ(first.app, second.app);
}

TEST_F(AppCacheTest, ConcurrentLookupsShareOneQuery) {
    db.put("1", "key-1", "s1");
    auto cache = make();
    db.hold(true);
    std::atomic<int> answered{0};
    for (int i = 0; i < 50; ++i) {
        EXPECT_FALSE(cache->find(AppLookup::ByKey, "key-1", [&answered](AppAnswer a) {
            EXPECT_TRUE(a.app);
            ++answered;
        }));
    }
    db.hold(false);
    for (int i = 0; i < 500 && answered < 50; ++i) {
        std::this_thread::sleep_for(10ms);
    }
    EXPECT_EQ(answered, 50);
    EXPECT_EQ(db.finds, 1);
    EXPECT_EQ(cache->counters().lookups(StoreLookup::Found), 50U) << "every lookup counts";
    EXPECT_EQ(cache->counters().queries_answered(), 1U);
}

TEST_F(AppCacheTest, UnknownKeysAreRememberedAndBounded) {
    CacheOptions options;
    options.max_unknown = 100;
    auto cache = make(options);
    EXPECT_FALSE(ask(*cache, AppLookup::ByKey, "nope").app);
    EXPECT_FALSE(ask(*cache, AppLookup::ByKey, "nope").app);
    EXPECT_EQ(db.finds, 1);
    for (int i = 0; i < 1000; ++i) {
        EXPECT_FALSE(ask(*cache, AppLookup::ByKey, "random-" + std::to_string(i)).app);
    }
    EXPECT_LE(cache->unknown_entries(), 100U);
    EXPECT_EQ(cache->counters().negative_entries(), cache->unknown_entries());
    EXPECT_EQ(cache->counters().lookups(StoreLookup::NotFound), 1001U);
    EXPECT_EQ(cache->counters().lookups(StoreLookup::NegativeHit), 1U);
    // A key that appears is found once the negative entry expires.
    db.put("9", "nope", "s");
    advance(11s);
    EXPECT_TRUE(ask(*cache, AppLookup::ByKey, "nope").app);
}

TEST_F(AppCacheTest, ImplausibleKeysNeverReachTheDatabase) {
    auto cache = make();
    for (const std::string& key : {std::string(), std::string("a b"), std::string("x\0y", 3),
                                   std::string(300, 'k'), std::string("caf\xc3\xa9")}) {
        const auto answer = cache->find(AppLookup::ByKey, key, [](AppAnswer) { FAIL(); });
        ASSERT_TRUE(answer);
        EXPECT_FALSE(answer->app);
    }
    EXPECT_EQ(db.finds, 0);
    EXPECT_EQ(cache->counters().lookups(StoreLookup::Invalid), 5U);
    EXPECT_EQ(cache->counters().queries_answered() + cache->counters().query_errors(), 0U);
}

TEST_F(AppCacheTest, AnOutageServesKnownAppsStaleAndBacksOff) {
    db.put("1", "key-1", "s1");
    auto cache = make();
    ASSERT_TRUE(ask(*cache, AppLookup::ByKey, "key-1").app);
    db.failing = true;
    advance(11s);
    const auto stale = ask(*cache, AppLookup::ByKey, "key-1");
    ASSERT_TRUE(stale.app);
    EXPECT_FALSE(stale.reachable);
    const auto unknown = ask(*cache, AppLookup::ByKey, "other");  // in the back-off: no query
    EXPECT_FALSE(unknown.app);
    EXPECT_FALSE(unknown.reachable);
    EXPECT_EQ(db.finds, 2);
    EXPECT_FALSE(cache->counters().reachable());
    EXPECT_EQ(cache->counters().lookups(StoreLookup::Stale), 1U);
    EXPECT_EQ(cache->counters().lookups(StoreLookup::Unavailable), 1U);
    EXPECT_EQ(cache->counters().query_errors(), 1U);
    advance(300ms);  // past the first back-off: asked again, fails, waits twice as long
    EXPECT_FALSE(ask(*cache, AppLookup::ByKey, "other").reachable);
    EXPECT_EQ(db.finds, 3);
    advance(300ms);
    EXPECT_FALSE(ask(*cache, AppLookup::ByKey, "other").reachable);
    EXPECT_EQ(db.finds, 3);
    db.failing = false;
    db.put("2", "other", "s");
    advance(1s);
    const auto back = ask(*cache, AppLookup::ByKey, "other");
    EXPECT_TRUE(back.app);
    EXPECT_TRUE(back.reachable);
    EXPECT_TRUE(cache->counters().reachable());
    EXPECT_EQ(cache->counters().query_errors(), 2U);
    EXPECT_EQ(cache->counters().queries_answered(), 2U);
    EXPECT_EQ(cache->counters().lookups(StoreLookup::Unavailable), 3U);
    EXPECT_EQ(cache->counters().lookups(StoreLookup::Stale), 1U);
    EXPECT_EQ(cache->counters().cached_apps(), 2U);
}

TEST_F(AppCacheTest, ZeroTtlAsksEveryTime) {
    db.put("1", "key-1", "s1");
    CacheOptions options;
    options.ttl = 0s;
    auto cache = make(options);
    ASSERT_TRUE(ask(*cache, AppLookup::ByKey, "key-1").app);
    ASSERT_TRUE(ask(*cache, AppLookup::ByKey, "key-1").app);
    EXPECT_EQ(db.finds, 2);
}

TEST_F(AppCacheTest, ARemovedRowIsForgotten) {
    db.put("1", "key-1", "s1");
    auto cache = make();
    ASSERT_TRUE(ask(*cache, AppLookup::ById, "1").app);
    {
        const std::lock_guard lock(db.mutex);
        db.rows.clear();
    }
    advance(11s);
    EXPECT_FALSE(ask(*cache, AppLookup::ById, "1").app);
    EXPECT_EQ(cache->counters().cached_apps(), 0U);
    EXPECT_FALSE(ask(*cache, AppLookup::ByKey, "key-1").app);
    EXPECT_EQ(cache->counters().negative_entries(), 2U) << "the id and the key";
}

TEST_F(AppCacheTest, ABadRowIsNoApp) {
    {
        const std::lock_guard lock(db.mutex);
        db.rows["k"] = AppRow{{"id", "1"}, {"key", "k"}, {"secret", "s"}, {"enabled", "perhaps"}};
    }
    auto cache = make();
    const auto answer = ask(*cache, AppLookup::ByKey, "k");
    EXPECT_FALSE(answer.app);
    EXPECT_TRUE(answer.reachable);
    EXPECT_EQ(cache->counters().lookups(StoreLookup::NotFound), 1U);
}

TEST_F(AppCacheTest, QueriesAreTimedByTheCachesClock) {
    db.put("1", "key-1", "s1");
    db.during_find = [this] {
        advance(30ms);
    };
    auto cache = make();
    ASSERT_TRUE(ask(*cache, AppLookup::ByKey, "key-1").app);
    db.failing = true;
    EXPECT_FALSE(ask(*cache, AppLookup::ById, "2").reachable);
    const auto& counters = cache->counters();
    EXPECT_DOUBLE_EQ(counters.query_seconds(), 0.06);
    const auto buckets = counters.query_buckets();
    // 30 ms: above 0.025, within 0.05 (the seventh bound).
    EXPECT_EQ(buckets[6], 2U);
    EXPECT_EQ(std::accumulate(buckets.begin(), buckets.end(), std::uint64_t{0}), 2U);
}

TEST_F(AppCacheTest, CountsQueriesWaitingAndLookupsTurnedAwayWhenFull) {
    for (const auto* key : {"a", "b", "c"}) {
        db.put(key, key, "s");
    }
    CacheOptions options;
    options.threads = 1;
    options.max_waiting = 2;
    auto cache = make(options);
    db.hold(true);
    std::atomic<int> answered{0};
    const auto count = [&answered](AppAnswer a) {
        EXPECT_TRUE(a.app);
        ++answered;
    };
    EXPECT_FALSE(cache->find(AppLookup::ByKey, "a", count));
    for (int i = 0; i < 500 && db.entered == 0; ++i) {
        std::this_thread::sleep_for(10ms);
    }
    ASSERT_EQ(db.entered, 1) << "the only thread holds the first query";
    EXPECT_FALSE(cache->find(AppLookup::ByKey, "b", count));
    EXPECT_FALSE(cache->find(AppLookup::ByKey, "c", count));
    EXPECT_EQ(cache->counters().waiting(), 2U);
    const auto full = cache->find(AppLookup::ByKey, "d", [](AppAnswer) { FAIL(); });
    ASSERT_TRUE(full);
    EXPECT_FALSE(full->reachable);
    EXPECT_EQ(cache->counters().lookups(StoreLookup::Unavailable), 1U);
    db.hold(false);
    for (int i = 0; i < 500 && answered < 3; ++i) {
        std::this_thread::sleep_for(10ms);
    }
    EXPECT_EQ(answered, 3);
    EXPECT_EQ(cache->counters().waiting(), 0U);
    EXPECT_EQ(cache->counters().lookups(StoreLookup::Found), 3U);
    EXPECT_EQ(cache->counters().cached_apps(), 3U);
    EXPECT_TRUE(cache->counters().reachable()) << "a full queue is not an outage";
}

}  // namespace
}  // namespace herald::appstore
