#include "herald/webhooks/occupancy_journal.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

#include "tests/support/temp_dir.h"
#include <gtest/gtest.h>

#include "herald/webhooks/settings.h"

namespace herald::webhooks {
namespace {

using std::chrono::milliseconds;
using Clock = OccupancyJournal::Clock;

const Clock::time_point kStart = Clock::time_point{} + std::chrono::hours(1);

OccupancyEntry channel(std::string name, std::string app = "app-id") {
    return OccupancyEntry{std::move(app), std::move(name), {}};
}

OccupancyEntry member(std::string name, std::string user, std::string app = "app-id") {
    return OccupancyEntry{std::move(app), std::move(name), std::move(user)};
}

class OccupancyJournalTest : public ::testing::Test {
protected:
    [[nodiscard]] std::string contents() const {
        std::ifstream in(path);
        std::stringstream s;
        s << in.rdbuf();
        return s.str();
    }

    // What a restart would replay (the journal under test must be closed by then).
    [[nodiscard]] OccupancyJournal::Replay reopen() const {
        OccupancyJournal again(path);
        return again.open();
    }

    support::TempDir temp_dir{"journal"};
    std::string path = temp_dir / "webhooks.spool.occupancy";
};

TEST_F(OccupancyJournalTest, ReplaysWhatWasAddedAndNotRemovedMembersFirst) {
    {
        OccupancyJournal journal(path);
        EXPECT_TRUE(journal.open().live.empty());
        journal.added(channel("presence-room"));
        journal.added(member("presence-room", "27"));
        journal.added(channel("public-a"));
        journal.added(channel("public-b"));
        journal.added(channel("public-a", "other-app"));
        journal.added(channel("public-a"));  // already live: no second record
        journal.removed(channel("public-b"), kStart);
        journal.forget_spooled(kStart);
        EXPECT_EQ(journal.live(), 4U);
        EXPECT_EQ(contents(),
                  "+ app-id presence-room\n+ app-id presence-room 27\n+ app-id public-a\n"
                  "+ app-id public-b\n+ other-app public-a\n- app-id public-b\n");
    }
    const auto replay = reopen();
    EXPECT_EQ(replay.malformed, 0U);
    const std::vector<OccupancyEntry> expected{
            member("presence-room", "27"),
            channel("presence-room"),
            channel("public-a"),
            channel("public-a", "other-app"),
    };
    EXPECT_EQ(replay.live, expected);
    // Rewritten with only what is live.
    EXPECT_EQ(contents().find("- "), std::string::npos);
    EXPECT_EQ(contents().find("public-b"), std::string::npos);
}

TEST_F(OccupancyJournalTest, ARemovalIsForgottenOnlyOnceItsRequestIsSpooled) {
    OccupancyJournal journal(path);
    journal.open();
    journal.added(channel("c1"));
    journal.added(channel("c2"));
    journal.removed(channel("c1"), kStart + milliseconds(250));
    journal.removed(channel("c2"), kStart + milliseconds(250));
    EXPECT_EQ(journal.next_due(), kStart + milliseconds(250));
    journal.forget_spooled(kStart + milliseconds(249));
    EXPECT_EQ(journal.live(), 2U);  // a crash now: both are retracted after the restart
    journal.added(channel("c2"));   // back before its removal reached the spool: still occupied
    journal.forget_spooled(kStart + milliseconds(250));
    EXPECT_EQ(journal.live(), 1U);
    EXPECT_FALSE(journal.next_due().has_value());
    EXPECT_EQ(contents(), "+ app-id c1\n+ app-id c2\n- app-id c1\n");
}

TEST_F(OccupancyJournalTest, ARemovalOfSomethingNeverAddedIsIgnored) {
    OccupancyJournal journal(path);
    journal.open();
    journal.added(channel("c1"));
    journal.removed(channel("never"), kStart);
    journal.removed(member("c1", "u"), kStart);
    EXPECT_FALSE(journal.next_due().has_value());
    journal.forget_spooled(kStart);
    EXPECT_EQ(contents(), "+ app-id c1\n");
}

TEST_F(OccupancyJournalTest, EmptiesTheFileWhenNothingIsLive) {
    OccupancyJournal journal(path);
    journal.open();
    journal.added(channel("c1"));
    journal.added(member("c1", "u"));
    journal.removed(member("c1", "u"), kStart);
    journal.removed(channel("c1"), kStart);
    journal.forget_all_removed();
    EXPECT_EQ(journal.live(), 0U);
    EXPECT_EQ(journal.file_bytes(), 0U);
    EXPECT_EQ(contents(), "");
}

TEST_F(OccupancyJournalTest, CompactsWhenTheFileGrowsPastTheLiveRecords) {
    constexpr std::size_t kCompactAt = 200;
    {
        OccupancyJournal journal(path, kCompactAt);
        journal.open();
        journal.added(channel("stays"));
        for (int i = 0; i < 100; ++i) {
            journal.added(channel("churn"));
            journal.removed(channel("churn"), kStart);
            journal.forget_spooled(kStart);
            ASSERT_LE(journal.file_bytes(), kCompactAt + 32) << "after " << i;
        }
        journal.added(channel("churn"));
        EXPECT_EQ(journal.live(), 2U);
    }
    const auto replay = reopen();
    EXPECT_EQ(replay.live, (std::vector<OccupancyEntry>{channel("churn"), channel("stays")}));
}

TEST_F(OccupancyJournalTest, SkipsATornLastLineAndLinesThatAreNotRecords) {
    {
        std::ofstream out(path);
        out << "+ app-id c1\n"
            << "garbage\n"
            << "+ app-id\n"        // no channel
            << "+ app-id c a b\n"  // four fields
            << "* app-id c2\n"     // no such sign
            << "+ app-id c3\n"
            << "- app-id c3\n"
            << "+ app-id presence-x 2";  // the write a kill -9 interrupted
    }
    const auto replay = reopen();
    EXPECT_EQ(replay.live, std::vector<OccupancyEntry>{channel("c1")});
    EXPECT_EQ(replay.malformed, 5U);
}

TEST_F(OccupancyJournalTest, ARecordEscapedDifferentlyStillFindsItsEntry) {
    {
        std::ofstream out(path);
        out << "+ app-id c1\n- app%2did c%31\n+ app%2Did c2\n";
    }
    OccupancyJournal journal(path);
    EXPECT_EQ(journal.open().live, std::vector<OccupancyEntry>{channel("c2")});
    journal.added(channel("c2"));  // live already: nothing written
    EXPECT_EQ(contents(), "+ app-id c2\n");
}

TEST_F(OccupancyJournalTest, UserIdsWithAnyCharacterComeBackUnchanged) {
    const std::string odd = "a b\n%41\t\x7f\xc3\xa9";
    {
        OccupancyJournal journal(path);
        journal.open();
        journal.added(member("presence-x", odd, "app id"));
    }
    const auto text = contents();
    EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 1) << text;
    EXPECT_EQ(reopen().live, std::vector<OccupancyEntry>{member("presence-x", odd, "app id")});
}

TEST_F(OccupancyJournalTest, DroppedEntriesAreNotReplayed) {
    {
        OccupancyJournal journal(path);
        journal.open();
        journal.added(channel("c1"));
        journal.added(channel("c2"));
    }
    {
        OccupancyJournal journal(path);
        const auto replay = journal.open();
        ASSERT_EQ(replay.live.size(), 2U);
        journal.drop(replay.live[0]);
    }
    EXPECT_EQ(reopen().live, std::vector<OccupancyEntry>{channel("c2")});
}

TEST_F(OccupancyJournalTest, ASecondProcessCannotOpenTheSameJournal) {
    OccupancyJournal first(path);
    first.open();
    // flock locks belong to the open file description: a second open in this process conflicts
    // just as another process would.
    OccupancyJournal second(path);
    try {
        second.open();
        FAIL() << "expected an error";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("occupancy journal"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("in use by another process"), std::string::npos);
    }
}

TEST_F(OccupancyJournalTest, AnEmptyPathKeepsNothing) {
    OccupancyJournal journal("");
    EXPECT_FALSE(journal.enabled());
    EXPECT_TRUE(journal.open().live.empty());
    journal.added(channel("c1"));
    journal.removed(channel("c1"), kStart);
    EXPECT_EQ(journal.live(), 0U);
    EXPECT_FALSE(journal.next_due().has_value());
}

TEST(OccupancyJournalPath, BesideTheSpoolAndOffWithoutOneOrInACluster) {
    Settings settings;
    settings.spool_path = "/var/lib/herald/webhooks.spool";
    EXPECT_EQ(occupancy_journal_path(settings), "/var/lib/herald/webhooks.spool.occupancy");
    settings.occupancy_journal = false;
    EXPECT_EQ(occupancy_journal_path(settings), "");
    settings.occupancy_journal = true;
    settings.spool_path = "";
    EXPECT_EQ(occupancy_journal_path(settings), "");
}

}  // namespace
}  // namespace herald::webhooks
