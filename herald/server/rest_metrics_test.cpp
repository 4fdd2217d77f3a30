// What the REST API counts (herald_rest_requests_total, herald_rest_request_duration_seconds):
// requests through the real RestApi, read back from the text exposition.
#include "herald/server/rest_metrics.h"

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "herald/metrics/exposition.h"
#include "herald/server/rest_api.h"
#include "herald/server/rest_fixture.h"

namespace herald::server::rest_testing {
namespace {

// The value of the sample whose line starts with `series` + " " in `text`, or -1.
double sample_in(const std::string& text, const std::string& series) {
    const auto at = text.find("\n" + series + " ");
    if (at == std::string::npos) {
        return -1;
    }
    return std::stod(text.substr(at + series.size() + 2));
}

// Both families as GET /metrics writes them, labelled with `apps`' live slots.
std::string exposition_of(const RestMetrics& metrics, const AppRegistry& apps) {
    metrics::Exposition exposition;
    exposition.add(std::make_shared<metrics::CallbackCollectable>(
            [&metrics, &apps] { return metrics.families(apps.live_slots()); }));
    return exposition.text();
}

// The histogram's series of `route`, in order: each bucket, then _sum and _count.
struct Histogram {
    std::vector<double> buckets;  // cumulative, +Inf last
    double sum = -1;
    double count = -1;
};

Histogram histogram_in(const std::string& text, const std::string& route) {
    Histogram h;
    const std::string name = "herald_rest_request_duration_seconds";
    for (const auto* le : {"0.0005", "0.001", "0.0025", "0.005", "0.01", "0.025", "0.05", "0.1",
                           "0.25", "0.5", "1", "2.5", "+Inf"}) {
        h.buckets.push_back(
                sample_in(text, name + R"(_bucket{route=")" + route + R"(",le=")" + le + R"("})"));
    }
    h.sum = sample_in(text, name + R"(_sum{route=")" + route + R"("})");
    h.count = sample_in(text, name + R"(_count{route=")" + route + R"("})");
    return h;
}

class RestMetricsTest : public RestFixture {
protected:
    std::string text() const { return exposition_of(metrics_, apps_); }

    double requests(const std::string& app, const std::string& route,
                    const std::string& status) const {
        return sample_in(text(), R"(herald_rest_requests_total{app=")" + app + R"(",route=")" +
                                         route + R"(",status=")" + status + R"("})");
    }

    http::Response counted(const http::Request& request) { return counted_api_.handle(request); }

    RestMetrics metrics_{apps_.capacity()};
    RestApi counted_api_{
            apps_, service_,
            RestOptions{[this] { return now_; }, pusher::kRestTimestampWindow, {}, &metrics_}};
};

const std::string kEvent = R"({"name":"ev","data":"d","channel":"a"})";

TEST_F(RestMetricsTest, CountsRequestsByAppRouteAndStatus) {
    EXPECT_EQ(text().find("herald_rest_requests_total{"), std::string::npos) << "sparse";
    EXPECT_EQ(counted(signed_request(app(), "POST", "/apps/3/events", {}, kEvent)).status, 200U);
    EXPECT_EQ(counted(signed_request(app(), "POST", "/apps/3/events", {}, kEvent)).status, 200U);
    EXPECT_EQ(counted(signed_request(app(), "POST", "/apps/3/events", {}, "{")).status, 400U);
    auto forged = signed_request(app(), "POST", "/apps/3/events", {}, kEvent);
    forged.body = R"({"name":"ev","data":"other","channel":"a"})";  // the body's MD5 differs
    EXPECT_EQ(counted(forged).status, 401U);
    EXPECT_EQ(counted(signed_request(app(), "GET", "/apps/3/channels")).status, 200U);
    EXPECT_EQ(counted(signed_request(app(), "GET", "/apps/3/channels/news")).status, 200U);
    EXPECT_EQ(counted(signed_request(app(), "GET", "/apps/3/channels/news/users")).status, 400U);
    EXPECT_EQ(counted(signed_request(app(), "POST", "/apps/3/batch_events", {},
                                     R"({"batch":[{"name":"ev","data":"d","channel":"a"}]})"))
                      .status,
              200U);
    EXPECT_EQ(counted(signed_request(app(), "POST", "/apps/3/users/u1/terminate_connections", {},
                                     "{}"))
                      .status,
              200U);
    const auto& disabled = *apps_.by_id("4");
    EXPECT_EQ(counted(signed_request(disabled, "POST", "/apps/4/events", {}, kEvent)).status, 403U);
    // Requests that name no known app count with app="".
    EXPECT_EQ(counted(signed_request(app(), "POST", "/apps/999/events", {}, kEvent)).status, 404U);
    EXPECT_EQ(counted(raw_request("GET", "/apps/3/nothing")).status, 404U);
    // Health checks are not API requests.
    EXPECT_EQ(counted(raw_request("GET", "/up")).status, 200U);

    EXPECT_EQ(requests("3", "events", "200"), 2);
    EXPECT_EQ(requests("3", "events", "400"), 1);
    EXPECT_EQ(requests("3", "events", "401"), 1);
    EXPECT_EQ(requests("3", "channels", "200"), 1);
    EXPECT_EQ(requests("3", "channel", "200"), 1);
    EXPECT_EQ(requests("3", "channel_users", "400"), 1);
    EXPECT_EQ(requests("3", "batch_events", "200"), 1);
    EXPECT_EQ(requests("3", "terminate_user", "200"), 1);
    EXPECT_EQ(requests("4", "events", "403"), 1);
    EXPECT_EQ(requests("", "events", "404"), 1);
    EXPECT_EQ(requests("", "other", "404"), 1);
    EXPECT_EQ(requests("3", "events", "404"), -1) << "sparse: a status never answered";
    EXPECT_EQ(requests("999", "events", "404"), -1) << "no series for an id a client chose";

    std::size_t lines = 0;
    const auto all = text();
    for (auto at = all.find("\nherald_rest_requests_total{"); at != std::string::npos;
         at = all.find("\nherald_rest_requests_total{", at + 1)) {
        ++lines;
    }
    EXPECT_EQ(lines, 11U) << all;
}

TEST_F(RestMetricsTest, AMethodNotAllowedCountsUnderItsApp) {
    EXPECT_EQ(counted(signed_request(app(), "GET", "/apps/3/events")).status, 405U);
    EXPECT_EQ(counted(signed_request(app(), "GET", "/apps/999/events")).status, 405U);
    EXPECT_EQ(requests("3", "events", "405"), 1);
    EXPECT_EQ(requests("", "events", "405"), 1);
}

TEST_F(RestMetricsTest, TheHistogramCountsEveryRequestOfItsRoute) {
    for (int i = 0; i < 3; ++i) {
        EXPECT_EQ(counted(signed_request(app(), "POST", "/apps/3/events", {}, kEvent)).status,
                  200U);
    }
    EXPECT_EQ(counted(signed_request(app(), "POST", "/apps/999/events", {}, kEvent)).status, 404U);
    EXPECT_EQ(counted(signed_request(app(), "GET", "/apps/3/channels")).status, 200U);
    const auto all = text();
    const auto events = histogram_in(all, "events");
    EXPECT_EQ(events.count, 4);
    EXPECT_EQ(events.buckets.back(), 4) << "+Inf is the count";
    for (std::size_t b = 1; b < events.buckets.size(); ++b) {
        EXPECT_GE(events.buckets[b], events.buckets[b - 1]) << "cumulative, bucket " << b;
    }
    EXPECT_GE(events.sum, 0);
    EXPECT_LT(events.sum, 4 * 2.5) << "seconds";
    EXPECT_EQ(histogram_in(all, "channels").count, 1);
    EXPECT_EQ(histogram_in(all, "channel").count, 0);
    EXPECT_EQ(histogram_in(all, "channel").buckets.back(), 0);
}

TEST(RestMetrics, BucketsAreCumulativeAndTheSumIsInSeconds) {
    const AppRegistry apps({vector_app()});
    RestMetrics metrics(apps.capacity());
    using std::chrono::microseconds;
    using std::chrono::milliseconds;
    metrics.observe(0, RestRoute::Channel, 200, microseconds(300));   // le 0.0005
    metrics.observe(0, RestRoute::Channel, 200, milliseconds(1));     // le 0.001: bounds include
    metrics.observe(0, RestRoute::Channel, 200, milliseconds(3));     // le 0.005
    metrics.observe(0, RestRoute::Channel, 404, milliseconds(700));   // le 1
    metrics.observe(0, RestRoute::Channel, 200, milliseconds(4000));  // +Inf only
    metrics.observe(0, RestRoute::Events, 200, milliseconds(20));
    const auto text = exposition_of(metrics, apps);
    const auto channel = histogram_in(text, "channel");
    EXPECT_EQ(channel.buckets, (std::vector<double>{1, 2, 2, 3, 3, 3, 3, 3, 3, 3, 4, 4, 5}))
            << text;
    EXPECT_EQ(channel.count, 5);
    EXPECT_DOUBLE_EQ(channel.sum, 0.0003 + 0.001 + 0.003 + 0.7 + 4.0);
    const auto events = histogram_in(text, "events");
    EXPECT_EQ(events.buckets, (std::vector<double>{0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1}));
    EXPECT_DOUBLE_EQ(events.sum, 0.02);
    EXPECT_EQ(
            sample_in(text, R"(herald_rest_requests_total{app="3",route="channel",status="200"})"),
            4);
    EXPECT_EQ(
            sample_in(text, R"(herald_rest_requests_total{app="3",route="channel",status="404"})"),
            1);
}

TEST_F(RestMetricsTest, ARemovedAppsSeriesGoAndANewAppsCome) {
    EXPECT_EQ(counted(signed_request(app(), "POST", "/apps/3/events", {}, kEvent)).status, 200U);
    EXPECT_EQ(counted(signed_request(app(), "POST", "/apps/999/events", {}, kEvent)).status, 404U);
    EXPECT_EQ(requests("3", "events", "200"), 1);

    auto next = vector_app();
    next.id = "5";
    next.key = "five-key";
    ASSERT_TRUE(apps_.replace({next}).has_value());
    EXPECT_EQ(counted(signed_request(next, "POST", "/apps/5/events", {}, kEvent)).status, 200U);
    EXPECT_EQ(counted(signed_request(next, "POST", "/apps/3/events", {}, kEvent)).status, 404U);
    const auto all = text();
    EXPECT_EQ(all.find(R"(app="3")"), std::string::npos) << all;
    EXPECT_EQ(all.find(R"(app="4")"), std::string::npos) << all;
    EXPECT_EQ(requests("5", "events", "200"), 1);
    EXPECT_EQ(requests("", "events", "404"), 2);
    EXPECT_EQ(histogram_in(all, "events").count, 4) << "the histogram is per route only";
}

}  // namespace
}  // namespace herald::server::rest_testing
