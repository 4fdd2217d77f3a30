// herald/webhooks/occupancy_recovery_test.cpp
//
// The occupancy journal through the pipeline (pipeline_fixture.h): what a crash left unretracted
// goes out after the restart through the grace filter, and nothing goes out twice.
#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "herald/util/json_writer.h"
#include "herald/webhooks/pipeline_fixture.h"

namespace herald::webhooks::pipeline_testing {
namespace {

// The occupancy journal through the pipeline: what was announced and not retracted when the
// process died (the pipeline destroyed without stop(), as kill -9 leaves the files) is retracted
// after the restart, unless reoccupied within the grace delay.
class OccupancyRecoveryTest : public PipelineFixture {
protected:
    void SetUp() override {
        PipelineFixture::SetUp();
        transport.answer_with[kUrlA] = 200;
    }

    // Destroys the pipeline without stopping it: held removals and open batches die with it.
    void crash() { pipeline.reset(); }

    // Steps until `duration` has passed.
    void run_for(milliseconds duration) { run_until(time.since_start() + duration); }

    // Steps until a turn at `since_start` (or later) has run.
    void run_until(milliseconds since_start) {
        for (int turns = 0; time.since_start() <= since_start && turns < 10000; ++turns) {
            step();
        }
    }

    // How often `event` (as its JSON object) was sent.
    [[nodiscard]] std::size_t sent(const Event& event) const {
        util::JsonWriter out;
        write_event(out, event);
        const auto text = out.take();
        std::size_t count = 0;
        for (const auto& started : transport.started) {
            for (auto at = started.request.body.find(text); at != std::string::npos;
                 at = started.request.body.find(text, at + 1)) {
                ++count;
            }
        }
        return count;
    }

    [[nodiscard]] std::string journal_text() const {
        std::ifstream in(occupancy_journal_path(settings));
        std::stringstream s;
        s << in.rdbuf();
        return s.str();
    }
};

TEST_F(OccupancyRecoveryTest, AfterACrashWhatWasAnnouncedIsRetractedUnlessReoccupiedInTime) {
    settings.batch_max_events = 20;
    make({kUrlA});
    step({channel_occupied("gone"), channel_occupied("back"), channel_occupied("presence-p"),
          member_added("presence-p", "ann"), member_added("presence-p", "bob")});
    run_for(milliseconds(500));
    ASSERT_EQ(sent(channel_occupied("gone")), 1U);
    crash();

    transport.started.clear();
    make({kUrlA});
    const auto restart = time.since_start();
    // Right after the restart "back" is subscribed again and "bob" rejoins "presence-p".
    step({channel_occupied("back"), channel_occupied("presence-p"),
          member_added("presence-p", "bob")});
    run_until(restart + settings.grace - milliseconds(10));
    EXPECT_TRUE(transport.started.empty()) << "the removals wait the grace delay";
    run_until(restart + settings.grace + settings.batch_window);
    ASSERT_EQ(transport.started.size(), 1U);
    EXPECT_EQ(transport.started[0].at, restart + settings.grace + settings.batch_window);
    EXPECT_EQ(sent(channel_vacated("gone")), 1U);
    EXPECT_EQ(sent(member_removed("presence-p", "ann")), 1U);
    EXPECT_EQ(sent(channel_vacated("back")), 0U);
    EXPECT_EQ(sent(channel_occupied("back")), 0U) << "cancelled with the removal, as for a reload";
    EXPECT_EQ(sent(member_removed("presence-p", "bob")), 0U);
    EXPECT_EQ(sent(member_added("presence-p", "bob")), 0U);
    EXPECT_EQ(sent(channel_vacated("presence-p")), 0U) << "bob is still there";
    // The member leaves before the channel is vacated (§9.4's order) when both go.
    crash();
    transport.started.clear();
    make({kUrlA});
    run_for(settings.grace + milliseconds(1000));
    ASSERT_EQ(transport.started.size(), 1U);
    const auto& body = transport.started[0].request.body;
    EXPECT_LT(body.find("\"member_removed\""), body.find("\"channel_vacated\""));
    EXPECT_EQ(sent(member_removed("presence-p", "bob")), 1U);
    EXPECT_EQ(sent(channel_vacated("presence-p")), 1U);
    EXPECT_EQ(sent(channel_vacated("back")), 1U);
    EXPECT_EQ(journal_text(), "");
}

TEST_F(OccupancyRecoveryTest, ARemovalHeldInTheGraceDelayAtTheCrashIsRetractedAfterTheRestart) {
    make({kUrlA});
    step({channel_occupied("c1")});
    run_for(milliseconds(100));
    step({channel_vacated("c1")});  // held for the grace delay when the process dies
    crash();
    transport.started.clear();
    make({kUrlA});
    run_for(settings.grace + milliseconds(1000));
    EXPECT_EQ(sent(channel_vacated("c1")), 1U);
}

TEST_F(OccupancyRecoveryTest, ARemovalIsForgottenOnlyOnceTheRequestCarryingItIsSpooled) {
    settings.grace = milliseconds(0);
    settings.batch_max_events = 20;
    settings.batch_window = milliseconds(1000);
    make({kUrlA});
    step({channel_occupied("c1"), channel_occupied("c2")});
    run_for(milliseconds(1500));
    // c1's removal is in an open batch when the process dies: the journal still has c1.
    step({channel_vacated("c1")});
    crash();
    EXPECT_NE(journal_text().find("c1"), std::string::npos);
    transport.started.clear();
    make({kUrlA});
    run_for(milliseconds(2500));
    EXPECT_EQ(sent(channel_vacated("c1")), 1U);
    EXPECT_EQ(sent(channel_vacated("c2")), 1U);
    // This time the removal's batch closes (spooled, then sent) before the crash: the journal
    // forgets it and nothing is sent twice.
    crash();
    make({kUrlA});
    transport.started.clear();
    step({channel_occupied("c3")});
    run_for(milliseconds(1500));
    step({channel_vacated("c3")});
    run_for(milliseconds(1500));
    EXPECT_EQ(sent(channel_vacated("c3")), 1U);
    EXPECT_EQ(journal_text(), "");
    crash();
    make({kUrlA});
    run_for(milliseconds(2500));
    EXPECT_EQ(sent(channel_vacated("c3")), 1U);
}

TEST_F(OccupancyRecoveryTest, AStopReleasesHeldRemovalsAndLeavesTheJournalEmpty) {
    settings.batch_max_events = 20;
    settings.batch_window = milliseconds(10'000);
    make({kUrlA});
    step({channel_occupied("c1"), member_added("presence-p", "ann"),
          channel_occupied("presence-p")});
    run_for(milliseconds(10'500));
    step({channel_vacated("c1"), member_removed("presence-p", "ann"),
          channel_vacated("presence-p")});
    EXPECT_NE(journal_text(), "");
    int turns = 0;
    while (step({}, true) && ++turns < 100) {
    }
    EXPECT_EQ(sent(channel_vacated("c1")), 1U);
    EXPECT_EQ(journal_text(), "");
}

TEST_F(OccupancyRecoveryTest, NothingIsJournaledWhatNoTargetWouldHearRetracted) {
    AppHooks app{"app-id", "app-key", "app-secret", {}};
    app.targets.push_back(Target{kUrlA, {EventType::ChannelOccupied, EventType::ClientEvent}, ""});
    app.targets.push_back(Target{kUrlA, {}, "private-"});
    pipeline = std::make_unique<Pipeline>(settings, std::vector<AppHooks>{app}, transport,
                                          time.clocks());
    pipeline->open();
    step({channel_occupied("public-c"), channel_occupied("private-c"),
          channel_occupied("#server-to-user-1")});
    run_for(milliseconds(500));
    EXPECT_EQ(journal_text(), "+ app-id private-c\n");
}

TEST_F(OccupancyRecoveryTest, OffInAClusterAndWithoutASpool) {
    settings.occupancy_journal = false;
    make({kUrlA});
    step({channel_occupied("c1")});
    run_for(milliseconds(500));
    crash();
    EXPECT_FALSE(fs::exists(settings.spool_path + ".occupancy"));
    transport.started.clear();
    make({kUrlA});
    run_for(settings.grace + milliseconds(1000));
    EXPECT_EQ(sent(channel_vacated("c1")), 0U);
    crash();

    settings.occupancy_journal = true;
    settings.spool_path = "";
    make({kUrlA});
    step({channel_occupied("c1")});
    run_for(milliseconds(500));
    EXPECT_EQ(sent(channel_occupied("c1")), 1U);
    EXPECT_FALSE(fs::exists(dir / "webhooks.spool.occupancy"));
}

TEST_F(OccupancyRecoveryTest, EntriesOfAppsWithoutTargetsAnyMoreAreForgotten) {
    {
        OccupancyJournal journal(occupancy_journal_path(settings));
        journal.open();
        journal.added(OccupancyEntry{"removed-app", "c1", {}});
        journal.added(OccupancyEntry{"app-id", "c2", {}});
    }
    make({kUrlA});
    run_for(settings.grace + milliseconds(1000));
    EXPECT_EQ(sent(channel_vacated("c2")), 1U);
    EXPECT_EQ(sent(channel_vacated("c1")), 0U);
    EXPECT_EQ(journal_text(), "");
}

}  // namespace
}  // namespace herald::webhooks::pipeline_testing
