// herald/curl/multi_test.cpp
//
// The driver with file:// transfers: real libcurl transfers that need no server or thread.
#include "herald/curl/multi.h"

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "tests/support/temp_dir.h"
#include <curl/curl.h>
#include <gtest/gtest.h>
#include <unistd.h>

namespace herald::curl {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;

std::size_t keep(char* data, std::size_t size, std::size_t count, void* out) {
    static_cast<std::string*>(out)->append(data, size * count);
    return size * count;
}

class MultiTest : public ::testing::Test {
protected:
    void TearDown() override {
        for (auto* easy : easies) {
            curl_easy_cleanup(easy);
        }
    }

    // An easy handle reading `name` under the test's directory into `body`.
    CURL* reader(const std::string& name, std::string& body) {
        CURL* easy = curl_easy_init();
        easies.push_back(easy);
        url = "file://" + (dir / name).string();
        curl_easy_setopt(easy, CURLOPT_URL, url.c_str());
        curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, keep);
        curl_easy_setopt(easy, CURLOPT_WRITEDATA, &body);
        return easy;
    }

    void write(const std::string& name, const std::string& text) const {
        std::ofstream(dir / name) << text;
    }

    std::vector<Finished> run_all(Multi& multi) {
        std::vector<Finished> all;
        for (int turns = 0; multi.running() > 0 && turns < 100; ++turns) {
            for (const auto& finished : multi.run(milliseconds(100))) {
                all.push_back(finished);
            }
        }
        return all;
    }

    support::TempDir temp_dir{"curl"};
    fs::path dir = temp_dir.path();
    std::string url;
    std::vector<CURL*> easies;
};

TEST_F(MultiTest, RunsTransfersAtOnceAndHandsBackEachHandleWhenFinished) {
    write("a", "alpha");
    write("b", "beta");
    Multi multi(8);
    std::string a;
    std::string b;
    CURL* first = reader("a", a);
    CURL* second = reader("b", b);
    ASSERT_TRUE(multi.add(first).has_value());
    ASSERT_TRUE(multi.add(second).has_value());
    EXPECT_EQ(multi.running(), 2U);
    const auto finished = run_all(multi);
    ASSERT_EQ(finished.size(), 2U);
    for (const auto& each : finished) {
        EXPECT_TRUE(each.easy == first || each.easy == second);
        EXPECT_EQ(each.code, CURLE_OK);
    }
    EXPECT_NE(finished[0].easy, finished[1].easy);
    EXPECT_EQ(a, "alpha");
    EXPECT_EQ(b, "beta");
    EXPECT_EQ(multi.running(), 0U);
    // A finished handle is the caller's again: it can run once more.
    a.clear();
    ASSERT_TRUE(multi.add(first).has_value());
    ASSERT_EQ(run_all(multi).size(), 1U);
    EXPECT_EQ(a, "alpha");
}

TEST_F(MultiTest, ReportsWhyATransferFailed) {
    Multi multi;
    std::string body;
    ASSERT_TRUE(multi.add(reader("missing", body)).has_value());
    const auto finished = run_all(multi);
    ASSERT_EQ(finished.size(), 1U);
    EXPECT_EQ(finished[0].code, CURLE_FILE_COULDNT_READ_FILE);
}

TEST_F(MultiTest, RefusesAHandleThatIsRunningAlready) {
    write("a", "alpha");
    Multi multi;
    std::string body;
    CURL* easy = reader("a", body);
    ASSERT_TRUE(multi.add(easy).has_value());
    const auto again = multi.add(easy);
    ASSERT_FALSE(again.has_value());
    EXPECT_FALSE(again.error().empty());
    EXPECT_EQ(multi.running(), 1U);
}

TEST_F(MultiTest, RemovedTransfersNeverFinish) {
    write("a", "alpha");
    Multi multi;
    std::string body;
    CURL* easy = reader("a", body);
    ASSERT_TRUE(multi.add(easy).has_value());
    multi.remove(easy);
    EXPECT_EQ(multi.running(), 0U);
    EXPECT_TRUE(multi.run(milliseconds(0)).empty());
    EXPECT_TRUE(body.empty());
}

TEST_F(MultiTest, WakeupEndsTheNextWaitAtOnce) {
    Multi multi;
    multi.wakeup();
    const auto start = std::chrono::steady_clock::now();
    EXPECT_TRUE(multi.run(milliseconds(30'000)).empty());
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
}

}  // namespace
}  // namespace herald::curl
