// herald/webhooks/dispatcher_test.cpp
//
// The dispatcher's logic (Pipeline, stepped as the webhook thread steps it, pipeline_fixture.h):
// one request in flight per URL, backoff, dead letters, the spool, stopping.
#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include "herald/webhooks/pipeline_fixture.h"

namespace herald::webhooks::pipeline_testing {
namespace {

class DispatcherTest : public PipelineFixture {};

TEST_F(DispatcherTest, OneRequestInFlightPerUrlAndTheNextOnlyAfterItCompletes) {
    make({kUrlA, kUrlB});
    step({channel_occupied("c1"), channel_occupied("c2"), channel_occupied("c3")});
    // Three requests queued per URL, one started on each.
    ASSERT_EQ(transport.to(kUrlA).size(), 1U);
    ASSERT_EQ(transport.to(kUrlB).size(), 1U);
    EXPECT_TRUE(carries(transport.to(kUrlA)[0].request, "c1"));
    EXPECT_EQ(transport.to(kUrlA)[0].timeout, settings.request_timeout);

    // Time passing alone starts nothing more.
    step();
    step();
    EXPECT_EQ(transport.started.size(), 2U);

    // A's answer starts A's next request in the same turn; B's lane still waits for its own.
    transport.answer(transport.to(kUrlA)[0].request.id, 200);
    step();
    ASSERT_EQ(transport.to(kUrlA).size(), 2U);
    EXPECT_TRUE(carries(transport.to(kUrlA)[1].request, "c2"));
    EXPECT_EQ(transport.to(kUrlB).size(), 1U);

    transport.answer(transport.to(kUrlB)[0].request.id, 204);
    transport.answer(transport.to(kUrlA)[1].request.id, 200);
    step();
    ASSERT_EQ(transport.to(kUrlA).size(), 3U);
    ASSERT_EQ(transport.to(kUrlB).size(), 2U);
    EXPECT_TRUE(carries(transport.to(kUrlA)[2].request, "c3"));
    EXPECT_TRUE(carries(transport.to(kUrlB)[1].request, "c2"));
    EXPECT_EQ(transport.in_flight.size(), 2U);
    EXPECT_EQ(pipeline->counters().sent.load(), 3U);
    EXPECT_EQ(pipeline->counters().requests.load(), 5U);
}

TEST_F(DispatcherTest, FailedAttemptsBackOffDoublingToTheCapWhileOtherLanesGoOn) {
    transport.answer_with[kUrlA] = 500;
    transport.answer_with[kUrlB] = 200;
    time.jitters = {0.0, 0.5, 0.25, 0.75, 0.999};
    make({kUrlA, kUrlB});
    step({channel_occupied("c1")});
    constexpr std::size_t kAttempts = 10;  // 1+2+4+8+16+32+60+60+60 s: inside the retry window
    for (int turns = 0; transport.to(kUrlA).size() < kAttempts && turns < 1000; ++turns) {
        // An event in the middle of A's backoff goes out to B at once.
        const bool post = transport.to(kUrlA).size() == 3 && transport.to(kUrlB).size() == 1;
        step(post ? std::vector<Event>{channel_occupied("c2")} : std::vector<Event>{});
        if (post) {
            ASSERT_EQ(transport.to(kUrlB).size(), 2U);
            EXPECT_EQ(transport.to(kUrlB)[1].at, time.since_start());
        }
    }
    const auto a = transport.to(kUrlA);
    ASSERT_EQ(a.size(), kAttempts);
    for (std::size_t failure = 1; failure < kAttempts; ++failure) {
        // The "equal jitter" rule: the doubled base (capped) scaled into [half, whole).
        const std::int64_t base = std::min<std::int64_t>(1000LL << (failure - 1), 60'000);
        const double jitter = time.jitters[(failure - 1) % time.jitters.size()];
        const auto expected = milliseconds(
                static_cast<std::int64_t>(static_cast<double>(base) / 2 * (1 + jitter)));
        EXPECT_EQ(a[failure].at - a[failure - 1].at, expected) << "after failure " << failure;
        EXPECT_EQ(a[failure].request.body, a[0].request.body);  // the same bytes every time
    }
    EXPECT_FALSE(carries(a.back().request, "c2"));  // A's second request waits behind its first
    EXPECT_EQ(transport.to(kUrlB).size(), 2U);
    EXPECT_EQ(pipeline->counters().retried.load(), kAttempts);  // the last one failed too
    EXPECT_EQ(pipeline->counters().sent.load(), 2U);
    EXPECT_EQ(pipeline->counters().failed.load(), 0U);
}

TEST_F(DispatcherTest, RequestOlderThanTheRetryWindowGoesToTheDeadLetters) {
    settings.retry_window = milliseconds(10'000);
    transport.answer_with[kUrlA] = 503;
    make({kUrlA});
    step({channel_occupied("c1")});
    int turns = 0;
    while (time.since_start() < milliseconds(5000) && ++turns < 1000) {
        step();
    }
    step({channel_occupied("c2")});
    while (pipeline->counters().failed.load() == 0 && ++turns < 1000) {
        step();
    }
    // Waits are cut at the window's end, so the request is given up exactly then.
    EXPECT_EQ(time.since_start(), settings.retry_window);
    const auto lines = dead_letters();
    ASSERT_EQ(lines.size(), 1U);
    EXPECT_NE(lines[0].find("\"url\":\"" + kUrlA + "\""), std::string::npos);
    EXPECT_NE(lines[0].find("\"last_error\":\"HTTP status 503\""), std::string::npos);
    EXPECT_NE(lines[0].find("\"channel\":\"c1\""), std::string::npos);
    EXPECT_EQ(pipeline->counters().failed.load(), 1U);
    EXPECT_EQ(pipeline->counters().sent.load(), 0U);
    // The lane goes on with the next request at once; it expires in its own time.
    ASSERT_TRUE(carries(transport.to(kUrlA).back().request, "c2"));
    EXPECT_EQ(transport.to(kUrlA).back().at, settings.retry_window);
    while (pipeline->counters().failed.load() < 2 && ++turns < 1000) {
        step();
    }
    EXPECT_GE(time.since_start(), milliseconds(15'000));
    EXPECT_EQ(dead_letters().size(), 2U);
    EXPECT_TRUE(spooled().empty());
}

TEST_F(DispatcherTest, SuccessClearsTheSpoolRecordAndFailureKeepsIt) {
    make({kUrlA, kUrlB});
    step({channel_occupied("c1"), channel_occupied("c2")});
    ASSERT_EQ(transport.started.size(), 2U);
    transport.answer(transport.to(kUrlA)[0].request.id, 200);
    transport.answer(transport.to(kUrlB)[0].request.id, 500);
    step();
    const auto pending = spooled();
    // A's c1 is done; B's c1 (failed), A's c2 (now in flight) and B's c2 are not.
    ASSERT_EQ(pending.size(), 3U);
    EXPECT_EQ(pending[0].url, kUrlB);
    EXPECT_TRUE(carries(pending[0], "c1"));
    EXPECT_EQ(pending[1].url, kUrlA);
    EXPECT_TRUE(carries(pending[1], "c2"));
    EXPECT_EQ(pending[2].url, kUrlB);
    EXPECT_TRUE(carries(pending[2], "c2"));
}

TEST_F(DispatcherTest, StopReleasesHeldRemovalsClosesBatchesAndFlushesForAtMostTheLimit) {
    settings.batch_max_events = 20;
    settings.batch_window = milliseconds(10'000);
    settings.grace = milliseconds(30'000);
    settings.shutdown_flush = milliseconds(2000);
    transport.answer_with[kUrlA] = 200;  // B never answers
    make({kUrlA, kUrlB});
    EXPECT_TRUE(step({channel_vacated("held"), channel_occupied("open")}, false));
    EXPECT_TRUE(transport.started.empty());  // within the grace delay and the batch window
    EXPECT_TRUE(step());
    EXPECT_TRUE(transport.started.empty());
    const auto stop_at = time.since_start();
    int turns = 0;
    while (step({}, true) && ++turns < 100) {
    }
    // Both went out at once, in one batch per URL, the removal after the event before it.
    ASSERT_EQ(transport.to(kUrlA).size(), 1U);
    ASSERT_EQ(transport.to(kUrlB).size(), 1U);
    const auto body = transport.to(kUrlA)[0].request.body;
    EXPECT_LT(body.find("\"channel\":\"open\""), body.find("\"channel\":\"held\""));
    EXPECT_EQ(transport.to(kUrlA)[0].at, stop_at);
    EXPECT_EQ(pipeline->counters().sent.load(), 2U);
    // B was given exactly the flush time, then left in the spool.
    EXPECT_EQ(time.since_start() - stop_at, settings.shutdown_flush);
    const auto pending = spooled();
    ASSERT_EQ(pending.size(), 1U);
    EXPECT_EQ(pending[0].url, kUrlB);
    EXPECT_EQ(pending[0].events, 2U);
}

TEST_F(DispatcherTest, StopEndsAtOnceWhenEverythingIsDelivered) {
    transport.answer_with[kUrlA] = 200;
    make({kUrlA});
    step({channel_occupied("c1")});
    const auto before = time.since_start();
    EXPECT_FALSE(step({}, true));
    EXPECT_EQ(time.since_start(), before);
    EXPECT_EQ(pipeline->counters().sent.load(), 1U);
}

TEST_F(DispatcherTest, ReplaysOnStartTheSpooledRequestsNotMarkedDone) {
    {
        Spool spool(settings.spool_path, settings.spool_max_bytes);
        ASSERT_TRUE(spool.open().pending.empty());
        for (const auto* body : {"first", "second", "third"}) {
            Outbound request;
            request.time_ms = kWallStart;
            request.events = 1;
            request.url = kUrlA;
            request.key = "app-key";
            request.signature = "sig";
            request.body = body;
            ASSERT_EQ(spool.append(request), Spool::Append::Ok);
            if (request.body == "second") {
                spool.done(request.id);  // its "D" record
            }
        }
    }
    make({kUrlB});  // the URL no longer needs to be a target to get what it was owed
    step();
    ASSERT_EQ(transport.started.size(), 1U);
    EXPECT_EQ(transport.started[0].request.url, kUrlA);
    EXPECT_EQ(transport.started[0].request.body, "first");
    EXPECT_EQ(transport.started[0].request.signature, "sig");
    transport.answer(transport.started[0].request.id, 200);
    step();
    ASSERT_EQ(transport.started.size(), 2U);
    EXPECT_EQ(transport.started[1].request.body, "third");
    transport.answer(transport.started[1].request.id, 200);
    step();
    EXPECT_EQ(transport.started.size(), 2U);
    EXPECT_TRUE(spooled().empty());
}

// A target's extra headers go with each of its requests, and with the spooled ones after a
// restart even when the target has changed meanwhile (the request is replayed as made).
TEST_F(DispatcherTest, TargetHeadersGoWithEveryRequestAndSurviveARestart) {
    const std::vector<Header> headers{{"Authorization", "Bearer t1"}, {"X-Env", "prod"}};
    AppHooks app{"app-id", "app-key", "app-secret", {}};
    app.targets.push_back(Target{kUrlA, {}, "", headers});
    app.targets.push_back(Target{kUrlB, {}, ""});
    pipeline = std::make_unique<Pipeline>(settings, std::vector<AppHooks>{app}, transport,
                                          time.clocks());
    pipeline->open();
    step({channel_occupied("c")});
    step();
    ASSERT_EQ(transport.to(kUrlA).size(), 1U);
    ASSERT_EQ(transport.to(kUrlB).size(), 1U);
    EXPECT_EQ(transport.to(kUrlA)[0].request.headers, headers);
    EXPECT_TRUE(transport.to(kUrlB)[0].request.headers.empty());
    // Neither answers: both stay in the spool, and come back with what they carried.
    const auto kept = spooled();
    ASSERT_EQ(kept.size(), 2U);
    transport.started.clear();
    make({kUrlA});  // the target's headers are gone now; the request made before keeps them
    step();
    ASSERT_EQ(transport.to(kUrlA).size(), 1U);
    EXPECT_EQ(transport.to(kUrlA)[0].request.headers, headers);
    EXPECT_EQ(transport.to(kUrlA)[0].request.signature, kept[0].signature);
}

}  // namespace
}  // namespace herald::webhooks::pipeline_testing

namespace herald::webhooks::pipeline_testing {
namespace {

// A receiver that never answers and a spool that fills: each of 10,000 client-caused events is
// dropped, and the log gets a few lines, not 10,000.
TEST_F(DispatcherTest, AFloodOfDropsLogsABoundedNumberOfLines) {
    std::ostringstream log;
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(log);
    auto previous = spdlog::default_logger();
    spdlog::set_default_logger(std::make_shared<spdlog::logger>("flood", sink));
    settings.spool_max_bytes = 4096;
    make({kUrlA});
    std::vector<Event> events;
    for (int i = 0; i < 10000; ++i) {
        events.push_back(channel_occupied("c" + std::to_string(i)));
    }
    step(std::move(events));
    spdlog::set_default_logger(previous);

    EXPECT_GT(pipeline->counters().dropped.load(), 9900U);
    const std::string text = log.str();
    std::size_t lines = 0;
    for (std::size_t at = text.find("dropped"); at != std::string::npos;
         at = text.find("dropped", at + 1)) {
        ++lines;
    }
    EXPECT_GE(lines, 1U) << text.substr(0, 2000);
    EXPECT_LE(lines, 10U) << text.substr(0, 2000);
}

}  // namespace
}  // namespace herald::webhooks::pipeline_testing
