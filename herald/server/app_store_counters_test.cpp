// What an app store counts (AppStoreCounters) and how a scrape writes it (app_store_metrics):
// the herald_app_store_* families read back from the text exposition.
#include "herald/server/app_store_counters.h"

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "herald/metrics/exposition.h"
#include "herald/server/background_metrics.h"

namespace herald::server {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;

std::string text_of(const AppStoreCounters& counters) {
    metrics::Exposition exposition;
    exposition.add(app_store_metrics(counters));
    return exposition.text();
}

// The value of the sample `series` in `text`, or -1 when there is none.
double sample_in(const std::string& text, const std::string& series) {
    const auto at = text.find("\n" + series + " ");
    if (at == std::string::npos) {
        return -1;
    }
    return std::stod(text.substr(at + series.size() + 2));
}

double lookups_in(const std::string& text, const std::string& result) {
    return sample_in(text, R"(herald_app_store_lookups_total{result=")" + result + R"("})");
}

std::vector<double> buckets_in(const std::string& text) {
    std::vector<double> out;
    for (const auto* le : {"0.0005", "0.001", "0.0025", "0.005", "0.01", "0.025", "0.05", "0.1",
                           "0.25", "0.5", "1", "2.5", "5", "+Inf"}) {
        out.push_back(sample_in(
                text, std::string(R"(herald_app_store_query_duration_seconds_bucket{le=")") + le +
                              R"("})"));
    }
    return out;
}

TEST(AppStoreCounters, EveryLookupResultIsASeriesFromTheStart) {
    const AppStoreCounters counters;
    const auto text = text_of(counters);
    for (const auto* result :
         {"cache_hit", "negative_hit", "found", "not_found", "invalid", "stale", "unavailable"}) {
        EXPECT_EQ(lookups_in(text, result), 0) << result << "\n" << text;
    }
    EXPECT_EQ(sample_in(text, R"(herald_app_store_queries_total{result="ok"})"), 0);
    EXPECT_EQ(sample_in(text, R"(herald_app_store_queries_total{result="error"})"), 0);
    EXPECT_EQ(sample_in(text, "herald_app_store_up"), 1) << "reachable until a query fails";
    EXPECT_EQ(sample_in(text, "herald_app_store_cached_apps"), 0);
    EXPECT_EQ(sample_in(text, "herald_app_store_negative_cache_entries"), 0);
    EXPECT_EQ(sample_in(text, "herald_app_store_queries_waiting"), 0);
    EXPECT_EQ(sample_in(text, "herald_app_store_query_duration_seconds_count"), 0);
}

TEST(AppStoreCounters, CountsLookupsByResult) {
    AppStoreCounters counters;
    counters.looked_up(StoreLookup::CacheHit);
    counters.looked_up(StoreLookup::CacheHit);
    counters.looked_up(StoreLookup::Found, 50);  // one query answered 50 waiting lookups
    counters.looked_up(StoreLookup::Stale, 3);
    counters.looked_up(StoreLookup::Unavailable);
    counters.looked_up(StoreLookup::Invalid);
    const auto text = text_of(counters);
    EXPECT_EQ(lookups_in(text, "cache_hit"), 2) << text;
    EXPECT_EQ(lookups_in(text, "found"), 50);
    EXPECT_EQ(lookups_in(text, "stale"), 3);
    EXPECT_EQ(lookups_in(text, "unavailable"), 1);
    EXPECT_EQ(lookups_in(text, "invalid"), 1);
    EXPECT_EQ(lookups_in(text, "not_found"), 0);
    EXPECT_EQ(lookups_in(text, "negative_hit"), 0);
    EXPECT_EQ(counters.lookups(StoreLookup::Found), 50U);
}

TEST(AppStoreCounters, QueriesByResultInACumulativeHistogramInSeconds) {
    AppStoreCounters counters;
    counters.queried(true, microseconds(300));    // le 0.0005
    counters.queried(true, milliseconds(1));      // le 0.001: a bound includes its value
    counters.queried(false, milliseconds(3));     // le 0.005: refused at once
    counters.queried(false, milliseconds(3000));  // le 5: the statement timeout
    counters.queried(true, milliseconds(7000));   // +Inf only
    const auto text = text_of(counters);
    EXPECT_EQ(sample_in(text, R"(herald_app_store_queries_total{result="ok"})"), 3) << text;
    EXPECT_EQ(sample_in(text, R"(herald_app_store_queries_total{result="error"})"), 2);
    EXPECT_EQ(buckets_in(text), (std::vector<double>{1, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3, 3, 4, 5}));
    EXPECT_EQ(sample_in(text, "herald_app_store_query_duration_seconds_count"), 5);
    EXPECT_DOUBLE_EQ(sample_in(text, "herald_app_store_query_duration_seconds_sum"),
                     0.0003 + 0.001 + 0.003 + 3.0 + 7.0);
}

TEST(AppStoreCounters, GaugesShowTheLatestValues) {
    AppStoreCounters counters;
    counters.set_reachable(false);
    counters.set_cached_apps(12);
    counters.set_negative_entries(7);
    counters.set_waiting(3);
    auto text = text_of(counters);
    EXPECT_EQ(sample_in(text, "herald_app_store_up"), 0) << text;
    EXPECT_EQ(sample_in(text, "herald_app_store_cached_apps"), 12);
    EXPECT_EQ(sample_in(text, "herald_app_store_negative_cache_entries"), 7);
    EXPECT_EQ(sample_in(text, "herald_app_store_queries_waiting"), 3);
    counters.set_reachable(true);
    counters.set_waiting(0);
    text = text_of(counters);
    EXPECT_EQ(sample_in(text, "herald_app_store_up"), 1);
    EXPECT_EQ(sample_in(text, "herald_app_store_queries_waiting"), 0);
}

TEST(AppStoreCounters, EachFamilyHasItsType) {
    const auto text = text_of(AppStoreCounters{});
    for (const auto* line :
         {"# TYPE herald_app_store_lookups_total counter",
          "# TYPE herald_app_store_queries_total counter",
          "# TYPE herald_app_store_query_duration_seconds histogram",
          "# TYPE herald_app_store_up gauge", "# TYPE herald_app_store_cached_apps gauge",
          "# TYPE herald_app_store_negative_cache_entries gauge",
          "# TYPE herald_app_store_queries_waiting gauge"}) {
        EXPECT_NE(text.find(std::string(line) + "\n"), std::string::npos) << line << "\n" << text;
    }
}

}  // namespace
}  // namespace herald::server
