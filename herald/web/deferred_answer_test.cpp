// herald/web/deferred_answer_test.cpp
//
// Integration: HTTP answers built on another thread (responder.h). The worker stays free for its
// other connections meanwhile, answers keep the order of their requests on a persistent
// connection, and a Responder dropped unanswered gives the client 503.
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "herald/web/echo_fixture.h"
#include "herald/web/io_testing.h"
#include "herald/web/server.h"

namespace herald::web {
namespace {

using namespace std::chrono_literals;
using testing::RawClient;

std::string get(std::string_view target) {
    return "GET " + std::string(target) + " HTTP/1.1\r\nHost: x\r\n\r\n";
}

http::Response named(std::string_view target) {
    http::Response response;
    response.fields.add("Content-Type", "text/plain");
    response.body = "n=" + std::string(target) + ";";
    return response;
}

// Requests under /slow are handed to the test thread, which answers (or drops) them when it
// likes; the others are answered at once on the worker.
class DeferredAnswers : public ::testing::Test {
protected:
    void SetUp() override {
        server_ = std::make_unique<Server>(testing::quick_server_options());
        server_->on_http([this](const http::Request& request,
                                Deferral& later) -> std::optional<http::Response> {
            if (!request.path().starts_with("/slow")) {
                return named(request.target);
            }
            const std::lock_guard lock(mutex_);
            waiting_.emplace_back(request.target, later.defer());
            changed_.notify_all();
            return std::nullopt;
        });
        server_->start();
    }

    void TearDown() override {
        waiting_.clear();
        server_->stop(200ms);
    }

    // The next deferred request, as the handler saw it.
    std::pair<std::string, Responder> next_deferred() {
        std::unique_lock lock(mutex_);
        EXPECT_TRUE(changed_.wait_for(lock, 5s, [&] { return !waiting_.empty(); }));
        auto item = std::move(waiting_.front());
        waiting_.pop_front();
        return item;
    }

    std::unique_ptr<Server> server_;
    std::mutex mutex_;
    std::condition_variable changed_;
    std::deque<std::pair<std::string, Responder>> waiting_;
};

TEST_F(DeferredAnswers, OtherConnectionsAreAnsweredWhileOneWaits) {
    RawClient slow(server_->port());
    slow.send(get("/slow"));
    auto [target, answer] = next_deferred();
    EXPECT_EQ(target, "/slow");
    RawClient quick(server_->port());  // the same (only) worker
    quick.send(get("/quick"));
    EXPECT_EQ(quick.read_until(";").value_or("").ends_with("n=/quick;"), true);
    EXPECT_FALSE(slow.read_some(50ms)) << "nothing before the answer";
    std::thread([answer = answer] { answer(named("/slow")); }).join();
    const auto reply = slow.read_until(";");
    ASSERT_TRUE(reply);
    EXPECT_NE(reply->find("HTTP/1.1 200"), std::string::npos) << *reply;
    EXPECT_NE(reply->find("Connection: keep-alive"), std::string::npos) << *reply;
    EXPECT_TRUE(reply->ends_with("n=/slow;"));
}

TEST_F(DeferredAnswers, PipelinedRequestsBehindADeferredOneKeepTheirOrder) {
    RawClient raw(server_->port());
    raw.send(get("/0") + get("/slow1") + get("/2") + get("/slow3") + get("/4"));
    auto first = next_deferred();
    EXPECT_EQ(first.first, "/slow1");
    const auto before = raw.read_until(";");
    ASSERT_TRUE(before);
    EXPECT_TRUE(before->ends_with("n=/0;"));
    EXPECT_FALSE(raw.read_some(50ms)) << "/2 waits for /slow1";
    first.second(named("/slow1"));
    auto second = next_deferred();
    EXPECT_EQ(second.first, "/slow3");
    second.second(named("/slow3"));
    second.second(named("/ignored"));  // a second call does nothing
    for (const char* expected : {"n=/slow1;", "n=/2;", "n=/slow3;", "n=/4;"}) {
        const auto reply = raw.read_until(";");
        ASSERT_TRUE(reply) << expected;
        EXPECT_TRUE(reply->ends_with(expected)) << *reply;
    }
    EXPECT_FALSE(raw.read_some(100ms)) << "nothing more";
}

TEST_F(DeferredAnswers, AResponderDroppedUnansweredGives503) {
    RawClient raw(server_->port());
    raw.send(get("/slow"));
    {
        auto dropped = next_deferred();  // goes out of scope unanswered
    }
    const auto reply = raw.read_until("\r\n\r\n");
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->rfind("HTTP/1.1 503", 0), 0U) << *reply;
}

TEST_F(DeferredAnswers, AnAnswerAfterTheClientLeftIsDropped) {
    std::optional<Responder> answer;
    {
        RawClient raw(server_->port());
        raw.send(get("/slow"));
        answer = next_deferred().second;
    }
    // The connection is not read while it waits, so the answer is what finds it gone: the write
    // fails and the connection ends, with no crash and no leak (ASan).
    (*answer)(named("/late"));
    RawClient after(server_->port());
    after.send(get("/quick"));
    EXPECT_TRUE(after.read_until(";").value_or("").ends_with("n=/quick;"));
}

}  // namespace
}  // namespace herald::web
