// The asynchronous forms against a small in-process HTTP server: they return at once, answer
// through a future or a callback on the background thread, complete with an error when the
// client is destroyed first, and survive callbacks that throw, which the logger reports. Many
// callers at once share the background thread (run under ThreadSanitizer by the tsan preset).
#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <future>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "herald/sdk/client.h"
#include "herald/sdk/test_http_server.h"

namespace herald::sdk {
namespace {

using std::chrono::milliseconds;
using testing::local_options;
using testing::TestHttpServer;

// Log lines from any thread; wait_for() blocks until enough matching lines came.
class LogRecorder {
public:
    Logger logger() {
        return [this](LogLevel level, std::string_view text) {
            const std::lock_guard lock(mutex_);
            lines_.push_back(std::string(describe(level)) + " " + std::string(text));
            changed_.notify_all();
        };
    }

    // The lines containing `needle`, once there are `count` of them (or after 5 s).
    std::vector<std::string> wait_for(const std::string& needle, std::size_t count) {
        std::unique_lock lock(mutex_);
        std::vector<std::string> found;
        changed_.wait_for(lock, std::chrono::seconds(5), [&] {
            found.clear();
            for (const auto& line : lines_) {
                if (line.find(needle) != std::string::npos) {
                    found.push_back(line);
                }
            }
            return found.size() >= count;
        });
        return found;
    }

private:
    std::mutex mutex_;
    std::condition_variable changed_;
    std::vector<std::string> lines_;
};

TEST(ClientAsync, CallsReturnAtOnceAndAnswerThroughTheCallback) {
    TestHttpServer server(/*silent=*/true);
    Options options = local_options(server.port());
    options.timeout = milliseconds(60'000);
    auto client = std::make_unique<Client>(options);
    std::promise<AsyncResult> delivered;
    const auto start = std::chrono::steady_clock::now();
    client->trigger_async({"c"}, "e", "d", {},
                          [&delivered](AsyncResult r) { delivered.set_value(std::move(r)); });
    auto pending = client->post_async("/events", Json::object());
    EXPECT_LT(std::chrono::steady_clock::now() - start, milliseconds(500));  // nothing blocked
    client.reset();  // destroying the client completes what is unfinished
    auto result = delivered.get_future().get();
    EXPECT_FALSE(result.ok());
    EXPECT_THROW(static_cast<void>(result.get()), NetworkError);
    EXPECT_THROW(pending.get(), NetworkError);
}

TEST(ClientAsync, AThrowingCallbackIsLoggedAndDoesNotStopLaterCalls) {
    TestHttpServer server;
    LogRecorder log;
    Options options = local_options(server.port());
    options.logger = log.logger();
    Client client(options);
    client.get_async("/channels", {},
                     [](const AsyncResult&) { throw std::runtime_error("boom in a callback"); });
    client.get_async("/channels", {}, [](const AsyncResult&) { throw 42; });
    std::promise<Json> third;
    client.get_async("/channels", {}, [&third](AsyncResult r) { third.set_value(r.value); });
    auto future = third.get_future();
    ASSERT_EQ(future.wait_for(std::chrono::seconds(5)), std::future_status::ready);
    EXPECT_EQ(future.get(), Json::object());

    const auto lines = log.wait_for("the callback of an asynchronous call threw", 2);
    ASSERT_EQ(lines.size(), 2U);
    const auto logged = [&lines](const std::string& text) {
        return std::count(lines.begin(), lines.end(), text);
    };
    EXPECT_EQ(logged("error the callback of an asynchronous call threw: boom in a callback"), 1);
    EXPECT_EQ(logged("error the callback of an asynchronous call threw: something that is not a "
                     "std::exception"),
              1);
}

TEST(ClientAsync, ManyThreadsShareOneClient) {
    TestHttpServer server;
    Client client(local_options(server.port()));
    constexpr int kThreads = 4;
    constexpr int kCallsEach = 5;
    std::vector<std::thread> threads;
    std::mutex mutex;
    int answered = 0;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&] {
            for (int i = 0; i < kCallsEach; ++i) {
                auto future = client.trigger_async({"c"}, "e", "d");
                client.channels();  // a blocking call on the same client meanwhile
                if (future.get() == Json::object()) {
                    const std::lock_guard lock(mutex);
                    ++answered;
                }
            }
        });
    }
    for (auto& thread : threads) {
        thread.join();
    }
    EXPECT_EQ(answered, kThreads * kCallsEach);
    EXPECT_EQ(server.requests().size(), static_cast<std::size_t>(2 * kThreads * kCallsEach));
}

}  // namespace
}  // namespace herald::sdk
