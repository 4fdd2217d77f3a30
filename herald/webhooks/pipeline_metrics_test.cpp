// herald/webhooks/pipeline_metrics_test.cpp
//
// What the pipeline counts for the metrics (Counters): attempts and dead letters by app id, the
// events waiting and the spool's bytes, as requests are queued, answered, retried, given up and
// replayed after a restart.
#include <gtest/gtest.h>

#include "herald/webhooks/pipeline_fixture.h"

namespace herald::webhooks::pipeline_testing {
namespace {

class PipelineMetrics : public PipelineFixture {
protected:
    AppCounts app_counts() const { return pipeline->counters().apps.snapshot().at("app-id"); }

    std::uint64_t queued() const { return pipeline->counters().queued.load(); }

    std::uint64_t spool_bytes() const { return pipeline->counters().spool_bytes.load(); }
};

TEST_F(PipelineMetrics, AnAppWithATargetIsCountedFromTheStart) {
    make({kUrlA});
    EXPECT_EQ(pipeline->counters().apps.snapshot().size(), 1U);
    EXPECT_EQ(app_counts(), AppCounts{});
    EXPECT_EQ(queued(), 0U);
    EXPECT_EQ(spool_bytes(), 0U);
}

TEST_F(PipelineMetrics, CountsAttemptsByResultAndTheQueueAsItDrains) {
    transport.answer_with[kUrlA] = 500;
    make({kUrlA});
    step({channel_occupied("c1"), channel_occupied("c2")});
    EXPECT_EQ(queued(), 2U);  // two requests of one event each, one of them in flight
    const auto both = spool_bytes();
    EXPECT_GT(both, 0U);
    EXPECT_EQ(app_counts().retry, 1U);  // the first attempt failed in that turn
    EXPECT_EQ(app_counts().ok, 0U);
    transport.answer_with[kUrlA] = 200;
    for (int turns = 0; queued() > 0 && turns < 100; ++turns) {
        step();
    }
    EXPECT_EQ(queued(), 0U);
    EXPECT_EQ(spool_bytes(), 0U);
    EXPECT_EQ(app_counts(), (AppCounts{2, 1, 0}));
}

TEST_F(PipelineMetrics, ARequestGivenUpIsADeadLetterOfItsApp) {
    settings.retry_window = milliseconds(5000);
    transport.answer_with[kUrlA] = 503;
    make({kUrlA});
    step({channel_occupied("c1")});
    for (int turns = 0; app_counts().dead_letters == 0 && turns < 1000; ++turns) {
        step();
    }
    EXPECT_EQ(app_counts().dead_letters, 1U);
    EXPECT_EQ(app_counts().ok, 0U);
    EXPECT_GE(app_counts().retry, 2U);
    EXPECT_EQ(queued(), 0U);
    EXPECT_EQ(spool_bytes(), 0U);
}

TEST_F(PipelineMetrics, ReplayedRequestsCountAsQueuedAndForTheirAppFoundByItsKey) {
    make({kUrlA});
    step({channel_occupied("c1"), channel_occupied("c2"), channel_occupied("c3")});
    const auto bytes = spool_bytes();
    step({}, true);  // the receiver never answers: all three stay in the spool
    pipeline.reset();
    transport.answer_with[kUrlA] = 200;
    make({kUrlA});
    EXPECT_EQ(queued(), 3U);
    EXPECT_EQ(spool_bytes(), bytes);
    for (int turns = 0; queued() > 0 && turns < 100; ++turns) {
        step();
    }
    EXPECT_EQ(app_counts().ok, 3U);
}

}  // namespace
}  // namespace herald::webhooks::pipeline_testing
