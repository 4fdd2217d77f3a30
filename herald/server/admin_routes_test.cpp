#include "herald/server/admin_routes.h"

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "herald/metrics/family.h"

namespace herald::server {
namespace {

http::Request get(std::string target, std::string method = "GET") {
    http::Request request;
    request.method = std::move(method);
    request.target = std::move(target);
    return request;
}

// The value of the sample whose line starts with `series` + " " in `text`, or -1.
double sample_in(const std::string& text, const std::string& series) {
    const auto at = text.find("\n" + series + " ");
    if (at == std::string::npos) {
        return -1;
    }
    return std::stod(text.substr(at + series.size() + 2));
}

class AdminRoutesTest : public ::testing::Test {
protected:
    AdminRoutesTest() {
        exposition_.add(std::make_shared<metrics::CallbackCollectable>([this] {
            std::this_thread::sleep_for(collect_time_);
            auto f = metrics::family("herald_connections", "Open connections.",
                                     prometheus::MetricType::Gauge);
            metrics::add_sample(f, {{"app", "1"}}, 3);
            return std::vector<prometheus::MetricFamily>{f};
        }));
    }

    std::chrono::milliseconds collect_time_{0};

    metrics::Exposition exposition_;
    std::optional<std::string> reason_;
    AdminRoutes routes_{exposition_, [this] {
                            return reason_;
                        }};
};

TEST_F(AdminRoutesTest, MetricsAreTheTextFormat) {
    const auto r = routes_.answer(get("/metrics"));
    EXPECT_EQ(r.status, 200U);
    EXPECT_EQ(r.fields.get("Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
    EXPECT_NE(r.body.find("herald_connections{app=\"1\"} 3\n"), std::string::npos) << r.body;
    EXPECT_EQ(routes_.answer(get("/metrics?x=1")).status, 200U);
}

TEST_F(AdminRoutesTest, EachScrapeReportsHowLongThePreviousOneTook) {
    const auto first = routes_.answer(get("/metrics")).body;
    EXPECT_EQ(sample_in(first, "herald_scrape_duration_seconds"), 0) << first;
    EXPECT_NE(first.find("# TYPE herald_scrape_duration_seconds gauge\n"), std::string::npos);
    collect_time_ = std::chrono::milliseconds(50);
    static_cast<void>(routes_.answer(get("/metrics")));  // takes 50 ms or more
    collect_time_ = std::chrono::milliseconds(0);
    const auto third = routes_.answer(get("/metrics")).body;
    const auto second_took = sample_in(third, "herald_scrape_duration_seconds");
    EXPECT_GE(second_took, 0.050) << third;
    EXPECT_LT(second_took, 2.0) << "seconds: " << third;
    const auto fourth = routes_.answer(get("/metrics")).body;
    EXPECT_LT(sample_in(fourth, "herald_scrape_duration_seconds"), 0.050) << fourth;
    // Other answers build no exposition and leave the figure alone.
    static_cast<void>(routes_.answer(get("/healthz")));
    EXPECT_LT(sample_in(routes_.answer(get("/metrics")).body, "herald_scrape_duration_seconds"),
              0.050);
}

TEST_F(AdminRoutesTest, HealthAndReadiness) {
    EXPECT_EQ(routes_.answer(get("/healthz")).body, "ok\n");
    EXPECT_EQ(routes_.answer(get("/readyz")).status, 200U);
    EXPECT_EQ(routes_.answer(get("/readyz")).body, "ready\n");
    reason_ = "draining";
    const auto r = routes_.answer(get("/readyz"));
    EXPECT_EQ(r.status, 503U);
    EXPECT_EQ(r.body, "draining\n");
    EXPECT_EQ(routes_.answer(get("/healthz")).status, 200U);  // alive while draining
}

TEST_F(AdminRoutesTest, UnknownPathsAre404AndOtherMethods405) {
    EXPECT_EQ(routes_.answer(get("/")).status, 404U);
    EXPECT_EQ(routes_.answer(get("/metrics/")).status, 404U);
    EXPECT_EQ(routes_.answer(get("/apps/1/events", "POST")).status, 404U);
    const auto r = routes_.answer(get("/metrics", "POST"));
    EXPECT_EQ(r.status, 405U);
    EXPECT_EQ(r.fields.get("Allow"), "GET");
    EXPECT_EQ(routes_.answer(get("/healthz", "DELETE")).status, 405U);
}

TEST_F(AdminRoutesTest, EveryAnswerClosesTheConnection) {
    for (const auto& r : {routes_.answer(get("/metrics")), routes_.answer(get("/healthz")),
                          routes_.answer(get("/readyz")), routes_.answer(get("/nowhere")),
                          routes_.answer(get("/metrics", "POST"))}) {
        EXPECT_EQ(r.fields.get("Connection"), "close") << r.status;
    }
}

}  // namespace
}  // namespace herald::server
