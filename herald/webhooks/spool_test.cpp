#include "herald/webhooks/spool.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "tests/support/temp_dir.h"
#include <gtest/gtest.h>
#include <unistd.h>

#include "herald/webhooks/dead_letters.h"

namespace herald::webhooks {
namespace {

namespace fs = std::filesystem;

class SpoolTest : public ::testing::Test {
protected:
    void SetUp() override { path = (dir / "webhooks.spool").string(); }

    static Outbound request(const std::string& body, std::int64_t time_ms = 1700000000000) {
        Outbound r;
        r.time_ms = time_ms;
        r.events = 1;
        r.url = "http://127.0.0.1:9/hook";
        r.key = "app-key";
        r.signature = "abc123";
        r.body = body;
        return r;
    }

    [[nodiscard]] std::string contents() const {
        std::ifstream in(path);
        std::stringstream s;
        s << in.rdbuf();
        return s.str();
    }

    support::TempDir temp_dir{"spool"};
    fs::path dir = temp_dir.path();
    std::string path;
};

TEST_F(SpoolTest, ReplaysWhatWasNotDoneInOrder) {
    {
        Spool spool(path, 1 << 20);
        EXPECT_TRUE(spool.open().pending.empty());
        auto a = request(R"({"time_ms":1,"events":[{"name":"x y"}]})");
        auto b = request(R"({"b":2})");
        auto c = request(R"({"c":3})");
        ASSERT_EQ(spool.append(a), Spool::Append::Ok);
        ASSERT_EQ(spool.append(b), Spool::Append::Ok);
        ASSERT_EQ(spool.append(c), Spool::Append::Ok);
        spool.done(b.id);
    }
    Spool again(path, 1 << 20);
    const auto replay = again.open();
    ASSERT_EQ(replay.pending.size(), 2U);
    EXPECT_EQ(replay.pending[0].body, R"({"time_ms":1,"events":[{"name":"x y"}]})");
    EXPECT_EQ(replay.pending[0].url, "http://127.0.0.1:9/hook");
    EXPECT_EQ(replay.pending[0].key, "app-key");
    EXPECT_EQ(replay.pending[0].signature, "abc123");
    EXPECT_EQ(replay.pending[0].time_ms, 1700000000000);
    EXPECT_EQ(replay.pending[1].body, R"({"c":3})");
    EXPECT_LT(replay.pending[0].id, replay.pending[1].id);
    // Rewritten with only what is pending; new ids continue after the old ones.
    EXPECT_EQ(contents().find("D "), std::string::npos);
    auto d = request("{}");
    ASSERT_EQ(again.append(d), Spool::Append::Ok);
    EXPECT_GT(d.id, replay.pending[1].id);
}

TEST_F(SpoolTest, StartsOverWhenNothingIsPending) {
    Spool spool(path, 1 << 20);
    spool.open();
    auto a = request("{}");
    ASSERT_EQ(spool.append(a), Spool::Append::Ok);
    EXPECT_GT(spool.file_bytes(), 0U);
    spool.done(a.id);
    EXPECT_EQ(spool.file_bytes(), 0U);
    EXPECT_EQ(contents(), "");
}

TEST_F(SpoolTest, SkipsATornLastLine) {
    {
        std::ofstream out(path);
        out << "P 1 5 1 http://h/ k s {\"a\":1}\n"
            << "garbage\n"
            << "P 2 5 1 http://h/ k s {\"b\"";
    }
    Spool spool(path, 1 << 20);
    const auto replay = spool.open();
    ASSERT_EQ(replay.pending.size(), 1U);
    EXPECT_EQ(replay.pending[0].body, "{\"a\":1}");
    EXPECT_EQ(replay.malformed, 2U);
}

TEST_F(SpoolTest, SkipsRecordsWithACorruptNumberAndReplaysTheRest) {
    {
        std::ofstream out(path);
        out << "P 1 5 1 http://h/ k s {\"a\":1}\n"
            << "P 2x 5 1 http://h/ k s {\"b\":1}\n"                    // id with trailing garbage
            << "P 3 5 99999999999999999999 http://h/ k s {\"c\":1}\n"  // event count overflows
            << "D one\n"                                               // done, but for no id
            << "D 1 \n"                                                // a space after the id
            << "P 4 5 1 http://h/ k s {\"d\":1}\n";
    }
    Spool spool(path, 1 << 20);
    const auto replay = spool.open();
    ASSERT_EQ(replay.pending.size(), 2U);
    EXPECT_EQ(replay.pending[0].body, "{\"a\":1}");
    EXPECT_EQ(replay.pending[1].body, "{\"d\":1}");
    EXPECT_EQ(replay.malformed, 4U);
}

TEST_F(SpoolTest, ExtraHeadersSurviveAReplayAndRequestsWithoutKeepTheOldRecord) {
    {
        Spool spool(path, 1 << 20);
        spool.open();
        auto plain = request(R"({"a":1})");
        auto with = request(R"({"b":2})");
        with.headers = {{"Authorization", "Bearer a b=&%+"}, {"X-Empty", ""}, {"X-Tab", "1\t2"}};
        ASSERT_EQ(spool.append(plain), Spool::Append::Ok);
        ASSERT_EQ(spool.append(with), Spool::Append::Ok);
    }
    EXPECT_NE(contents().find("P 1 "), std::string::npos) << contents();
    EXPECT_NE(contents().find("H 2 "), std::string::npos) << contents();
    Spool again(path, 1 << 20);
    const auto replay = again.open();
    ASSERT_EQ(replay.pending.size(), 2U);
    EXPECT_EQ(replay.malformed, 0U);
    EXPECT_TRUE(replay.pending[0].headers.empty());
    EXPECT_EQ(replay.pending[1].headers,
              (std::vector<Header>{
                      {"Authorization", "Bearer a b=&%+"}, {"X-Empty", ""}, {"X-Tab", "1\t2"}}));
    EXPECT_EQ(replay.pending[1].body, R"({"b":2})");
    EXPECT_EQ(replay.pending[1].signature, "abc123");
}

TEST_F(SpoolTest, AnEditedRecordCannotInjectAHeader) {
    {
        std::ofstream out(path);
        out << "H 1 5 1 http://h/ k s X-A=ok%0D%0AX-B%3A%20injected {\"a\":1}\n"
            << "H 2 5 1 http://h/ k s Host=evil {\"b\":1}\n"
            << "H 3 5 1 http://h/ k s =nameless {\"c\":1}\n"
            << "H 4 5 1 http://h/ k s X-A=1 {\"d\":1}\n";
    }
    Spool spool(path, 1 << 20);
    const auto replay = spool.open();
    ASSERT_EQ(replay.pending.size(), 1U);
    EXPECT_EQ(replay.pending[0].headers, (std::vector<Header>{{"X-A", "1"}}));
    EXPECT_EQ(replay.malformed, 3U);
}

TEST_F(SpoolTest, CompactsThenRefusesPastTheBound) {
    const auto body = std::string(100, 'x');
    const auto size = request(body).url.size() + 130;  // one record, roughly
    Spool spool(path, size * 3);
    spool.open();
    auto a = request(body);
    auto b = request(body);
    ASSERT_EQ(spool.append(a), Spool::Append::Ok);
    ASSERT_EQ(spool.append(b), Spool::Append::Ok);
    spool.done(a.id);  // a "D" record: the file grows though only b is pending
    auto c = request(body);
    auto result = spool.append(c);
    if (result == Spool::Append::NeedsCompaction) {
        spool.rewrite({&b});
        result = spool.append(c);
    }
    ASSERT_EQ(result, Spool::Append::Ok);
    auto d = request(body);
    EXPECT_EQ(spool.append(d), Spool::Append::Full);
    EXPECT_LE(spool.file_bytes(), size * 3);
}

TEST_F(SpoolTest, MemoryOnlySpoolStillBoundsWhatWaits) {
    Spool spool("", 300);
    spool.open();
    auto a = request(std::string(100, 'x'));
    auto b = request(std::string(100, 'x'));
    EXPECT_EQ(spool.append(a), Spool::Append::Ok);
    EXPECT_EQ(spool.append(b), Spool::Append::Full);
    spool.done(a.id);
    EXPECT_EQ(spool.pending_bytes(), 0U);
}

TEST_F(SpoolTest, ASecondProcessCannotOpenTheSameSpool) {
    Spool first(path, 1 << 20);
    first.open();
    // flock locks belong to the open file description: a second open in this process conflicts
    // just as another process would.
    Spool second(path, 1 << 20);
    EXPECT_THROW(second.open(), std::runtime_error);
}

TEST_F(SpoolTest, UnwritableDirectoryIsAClearError) {
    Spool spool((dir / "missing" / "spool").string(), 1 << 20);
    try {
        spool.open();
        FAIL() << "expected an error";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("missing/spool"), std::string::npos) << e.what();
    }
}

TEST(DeadLetters, LineHoldsTheBodyAsJson) {
    Outbound r;
    r.time_ms = 5;
    r.events = 2;
    r.failures = 3;
    r.url = "http://h/";
    r.key = "k";
    r.signature = "s";
    r.body = R"({"time_ms":5,"events":[]})";
    EXPECT_EQ(DeadLetters::line(r, "HTTP status 500"),
              R"({"time_ms":5,"url":"http://h/","key":"k","signature":"s","events":2,)"
              R"("failures":3,"last_error":"HTTP status 500","body":{"time_ms":5,"events":[]}})");
}

TEST(DeadLetters, LineNamesTheExtraHeadersButNotTheirValues) {
    Outbound r;
    r.url = "http://h/";
    r.headers = {{"Authorization", "Bearer secret-token"}, {"X-A", "b"}};
    r.body = "{}";
    const auto line = DeadLetters::line(r, "timeout");
    EXPECT_NE(line.find(R"("headers":["Authorization","X-A"])"), std::string::npos) << line;
    EXPECT_EQ(line.find("secret-token"), std::string::npos) << line;
}

}  // namespace
}  // namespace herald::webhooks
