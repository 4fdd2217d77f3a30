// herald/webhooks/app_counters.h
//
// What happened to the webhook requests of each app, keyed by the app's id (not by the server's
// app index, so that apps added or removed while the server runs keep their own counts): attempts
// answered with a 2xx, attempts that failed and wait for another, and requests given up after the
// retry window (each one a dead letter). Read by the metrics of the server when scraped.
// Owner: the pipeline counts on the webhook thread; snapshot() from any thread (a short lock:
// webhooks are counted per request, not per message).
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

namespace herald::webhooks {

struct AppCounts {
    std::uint64_t ok = 0;            // attempts answered with a 2xx
    std::uint64_t retry = 0;         // attempts that failed; the request is tried again later
    std::uint64_t dead_letters = 0;  // requests given up after the retry window

    friend bool operator==(const AppCounts&, const AppCounts&) = default;
};

class AppCounters {
public:
    enum class Result : std::uint8_t {
        Ok,
        Retry,
        DeadLetter,
    };

    // Makes `app_id`'s counts appear (at zero) before anything happened to it.
    void add_app(std::string_view app_id);

    void count(std::string_view app_id, Result result);

    // Every app's counts, by app id.
    [[nodiscard]] std::map<std::string, AppCounts, std::less<>> snapshot() const;

private:
    mutable std::mutex mutex_;
    std::map<std::string, AppCounts, std::less<>> counts_;  // guarded by mutex_
};

}  // namespace herald::webhooks
