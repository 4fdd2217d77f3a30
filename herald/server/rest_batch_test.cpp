// Batch triggers (protocol.md §8.5) and the per-app backend event rate limit.
#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "herald/server/rest_api.h"
#include "herald/server/rest_fixture.h"
#include "herald/server/rest_rate.h"

namespace herald::server::rest_testing {
namespace {

AppLimits batch_limits() {
    AppLimits limits;
    limits.max_batch_events = 3;
    limits.max_event_data_bytes = 8;
    return limits;
}

std::string item(const std::string& channel, const std::string& extra = "") {
    return R"({"channel":")" + channel + R"(","name":"ev","data":"d")" + extra + "}";
}

std::string batch(const std::vector<std::string>& items) {
    std::string out = R"({"batch":[)";
    for (std::size_t i = 0; i < items.size(); ++i) {
        out += (i == 0 ? "" : ",") + items[i];
    }
    return out + "]}";
}

class RestBatch : public RestFixture {
protected:
    RestBatch() : RestFixture(batch_limits()) {}

    http::Response send_batch(const std::vector<std::string>& items) {
        return post("/apps/3/batch_events", batch(items));
    }

    void expect_refused(const std::string& body, unsigned status, std::string_view text) {
        const auto response = post("/apps/3/batch_events", body);
        EXPECT_EQ(response.status, status) << body << " -> " << response.body;
        EXPECT_NE(response.body.find(text), std::string::npos) << response.body;
        EXPECT_TRUE(service_.published.empty());
    }
};

TEST_F(RestBatch, PublishesEveryItemInOrder) {
    const auto response = send_batch({item("a"), item("b", R"(,"socket_id":"1.2")"), item("a")});
    ASSERT_EQ(response.status, 200U) << response.body;
    EXPECT_EQ(response.body, "{}");
    ASSERT_EQ(service_.published.size(), 3U);
    EXPECT_EQ(service_.published[0].channel, "a");
    EXPECT_EQ(service_.published[1].channel, "b");
    EXPECT_EQ(service_.published[1].exclude, "1.2");
    EXPECT_FALSE(service_.published[2].exclude);
}

TEST_F(RestBatch, RepliesWithOneObjectPerItemWhenAnyAsksForInfo) {
    service_.states["presence-x"] = ChannelState{true, 4, 2, std::nullopt};
    service_.states["b"] = ChannelState{true, 9, 0, std::nullopt};
    const auto response =
            send_batch({item("a"), item("presence-x", R"(,"info":"user_count,subscription_count")"),
                        item("b", R"(,"info":"user_count")")});
    EXPECT_EQ(response.body, R"({"batch":[{},{"user_count":2,"subscription_count":4},{}]})");
    EXPECT_EQ(service_.asked, std::vector<std::string>{"presence-x"});
}

TEST_F(RestBatch, AcceptsExactlyTheMaximumNumberOfEvents) {
    EXPECT_EQ(send_batch({item("a"), item("b"), item("c")}).status, 200U);
    service_.published.clear();
    expect_refused(batch({item("a"), item("b"), item("c"), item("d")}), 400,
                   "Too many events in batch: 4, the limit is 3");
    expect_refused(batch({}), 400, "at least one event");
}

TEST_F(RestBatch, DeliversNothingWhenAnyItemIsInvalid) {
    expect_refused(batch({item("a"), item("b c")}), 400, "batch[1]: Invalid channel name");
    expect_refused(batch({item("a"), R"({"channel":"b","name":"ev","data":"123456789"})"}), 413,
                   "batch[1]: Payload Too Large: data is 9 bytes, the limit is 8");
    expect_refused(batch({item("a"), R"({"channels":["b"],"name":"ev","data":"d"})"}), 400,
                   "batch[1]: a batch event names one channel");
    expect_refused(batch({R"({"name":"ev","data":"d"})"}), 400, "batch[0]: Missing channel");
    expect_refused(batch({R"("ev")"}), 400, "batch[0]: each batch event must be a JSON object");
    expect_refused(batch({item("a", R"(,"socket_id":"x")")}), 400, "batch[0]: Invalid socket_id");
    expect_refused(batch({R"({"channel":"a","name":"pusher:ev","data":"d"})"}), 400,
                   "batch[0]: Event name 'pusher:ev' uses a reserved prefix");
}

TEST_F(RestBatch, AcceptsItemDataExactlyAtTheLimit) {
    EXPECT_EQ(send_batch({R"({"channel":"b","name":"ev","data":"12345678"})"}).status, 200U);
}

TEST_F(RestBatch, RefusesABodyWithoutABatchArray) {
    expect_refused("{}", 400, "Missing batch");
    expect_refused(R"({"batch":{}})", 400, "batch must be an array");
    expect_refused("", 400, "Missing request body");
}

TEST(BackendRateLimiter, TakesUpToTheLimitPerSecond) {
    BackendRateLimiter limiter(2);
    EXPECT_TRUE(limiter.try_take(0, 3, 100, 2));
    EXPECT_TRUE(limiter.try_take(0, 3, 100, 1));
    EXPECT_FALSE(limiter.try_take(0, 3, 100, 1));
    EXPECT_TRUE(limiter.try_take(1, 3, 100, 3));  // apps are counted apart
    EXPECT_TRUE(limiter.try_take(0, 3, 101, 3));  // a new second starts afresh
    EXPECT_FALSE(limiter.try_take(0, 3, 101, 1));
    EXPECT_FALSE(limiter.try_take(0, 3, 102, 4));    // never more than the limit at once
    EXPECT_TRUE(limiter.try_take(0, 3, 102, 3));     // and a refusal takes nothing
    EXPECT_TRUE(limiter.try_take(0, 0, 102, 1000));  // 0: unlimited
    EXPECT_FALSE(limiter.try_take(5, 3, 102, 1));    // unknown app
}

class RestRate : public RestFixture {
protected:
    static AppLimits limits() {
        AppLimits l;
        l.max_backend_events_per_second = 3;
        return l;
    }

    RestRate() : RestFixture(limits()) {}
};

TEST_F(RestRate, RefusesEventsOverTheAppsRateWith429) {
    const std::string three = R"({"name":"ev","data":"d","channels":["a","b","c"]})";
    EXPECT_EQ(post("/apps/3/events", three).status, 200U);
    const auto over = post("/apps/3/events", R"({"name":"ev","data":"d","channel":"a"})");
    EXPECT_EQ(over.status, 429U);
    EXPECT_NE(over.body.find("may trigger 3 per second and this request has 1"), std::string::npos)
            << over.body;
    EXPECT_EQ(service_.published.size(), 3U);
    now_ += 1;
    EXPECT_EQ(post("/apps/3/batch_events", batch({item("a"), item("b")})).status, 200U);
    EXPECT_EQ(post("/apps/3/batch_events", batch({item("a"), item("b")})).status, 429U);
    EXPECT_EQ(service_.published.size(), 5U);
}

TEST_F(RestRate, InvalidRequestsTakeNothing) {
    EXPECT_EQ(post("/apps/3/events", R"({"name":"ev","channels":["a","b","c"]})").status, 400U);
    EXPECT_EQ(post("/apps/3/events", R"({"name":"ev","data":"d","channels":["a","b","c"]})").status,
              200U);
}

TEST_F(RestRate, HoldsAcrossConcurrentRequests) {
    constexpr int kThreads = 4;
    constexpr int kEach = 10;
    const auto request = signed_request(app(), "POST", "/apps/3/events", {},
                                        R"({"name":"ev","data":"d","channel":"a"})");
    std::atomic<int> accepted{0};
    std::vector<std::thread> threads;
    threads.reserve(kThreads);
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&] {
            for (int i = 0; i < kEach; ++i) {
                accepted += api_.handle(request).status == 200U ? 1 : 0;
            }
        });
    }
    for (auto& thread : threads) {
        thread.join();
    }
    EXPECT_EQ(accepted.load(), 3);
    EXPECT_EQ(service_.published.size(), 3U);
}

}  // namespace
}  // namespace herald::server::rest_testing
