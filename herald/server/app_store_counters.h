// herald/server/app_store_counters.h
//
// What an app store's cache counts, for the herald_app_store_* families (docs/OPERATIONS.md):
// lookups by how they were answered, database queries by result and how long they took, and,
// as gauges, whether the store is reachable, the apps and unknown keys or ids it holds and the
// queries waiting for a thread. The source counts (AppSource::counters()); the server reads the
// counts when scraped.
// A lookup counts with one relaxed fetch_add: it runs at every WebSocket handshake and REST
// request of a store's app, on any worker, and a scrape needs no more than each cell's latest
// value. Queries are rarer still (once per key and TTL).
// Owner: the app source; counted from any thread, read from any thread.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>

namespace herald::server {

// herald_app_store_lookups_total's `result`.
enum class StoreLookup : std::uint8_t {
    CacheHit,     // a found app, fresh in the cache
    NegativeHit,  // a key or id the store was asked for lately and does not have
    Found,        // the store was asked and has the app
    NotFound,     // the store was asked and has no such app (or its row does not read)
    Invalid,      // cannot be a key or id at all: refused without asking
    Stale,        // a known app served past its TTL: the store is unreachable or too busy
    Unavailable,  // nothing known and the store unreachable or too busy: refused
};

inline constexpr std::size_t kStoreLookups = 7;

class AppStoreCounters {
public:
    // herald_app_store_query_duration_seconds' upper bounds, in seconds. A statement waits at
    // most 3 s (connecting included), so the last bound holds every query.
    static constexpr std::array<double, 13> kBuckets = {
            0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0};

    void looked_up(StoreLookup result, std::uint64_t lookups = 1) noexcept {
        lookups_[static_cast<std::size_t>(result)].fetch_add(lookups, std::memory_order_relaxed);
    }

    // A query ended: answered (`ok`) or failed, after `took`.
    void queried(bool ok, std::chrono::steady_clock::duration took) noexcept;

    void set_reachable(bool reachable) noexcept {
        reachable_.store(reachable, std::memory_order_relaxed);
    }

    void set_cached_apps(std::size_t n) noexcept {
        cached_apps_.store(n, std::memory_order_relaxed);
    }

    void set_negative_entries(std::size_t n) noexcept {
        negative_entries_.store(n, std::memory_order_relaxed);
    }

    void set_waiting(std::size_t n) noexcept { waiting_.store(n, std::memory_order_relaxed); }

    [[nodiscard]] std::uint64_t lookups(StoreLookup result) const noexcept {
        return lookups_[static_cast<std::size_t>(result)].load(std::memory_order_relaxed);
    }

    [[nodiscard]] std::uint64_t queries_answered() const noexcept {
        return queries_answered_.load(std::memory_order_relaxed);
    }

    [[nodiscard]] std::uint64_t query_errors() const noexcept {
        return query_errors_.load(std::memory_order_relaxed);
    }

    // Queries per bucket of kBuckets (not cumulative); the last cell: above every bound.
    [[nodiscard]] std::array<std::uint64_t, kBuckets.size() + 1> query_buckets() const noexcept;

    [[nodiscard]] double query_seconds() const noexcept {
        return static_cast<double>(query_micros_.load(std::memory_order_relaxed)) / 1e6;
    }

    [[nodiscard]] bool reachable() const noexcept {
        return reachable_.load(std::memory_order_relaxed);
    }

    [[nodiscard]] std::size_t cached_apps() const noexcept {
        return cached_apps_.load(std::memory_order_relaxed);
    }

    [[nodiscard]] std::size_t negative_entries() const noexcept {
        return negative_entries_.load(std::memory_order_relaxed);
    }

    [[nodiscard]] std::size_t waiting() const noexcept {
        return waiting_.load(std::memory_order_relaxed);
    }

private:
    std::array<std::atomic<std::uint64_t>, kStoreLookups> lookups_{};
    std::atomic<std::uint64_t> queries_answered_{0};
    std::atomic<std::uint64_t> query_errors_{0};
    std::array<std::atomic<std::uint64_t>, kBuckets.size() + 1> query_buckets_{};
    std::atomic<std::uint64_t> query_micros_{0};
    std::atomic<bool> reachable_{true};  // until a query fails
    std::atomic<std::size_t> cached_apps_{0};
    std::atomic<std::size_t> negative_entries_{0};
    std::atomic<std::size_t> waiting_{0};
};

}  // namespace herald::server
