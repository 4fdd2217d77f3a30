#include "herald/metrics/process.h"

#include <filesystem>
#include <string>
#include <vector>

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <unistd.h>

namespace herald::metrics {
namespace {

// A line of proc(5)'s format whose command name holds a space and a parenthesis.
constexpr std::string_view kStat =
        "4242 (my (odd) name) S 1 4242 4242 0 -1 4194560 1015 0 0 0 "
        "37 12 0 0 20 0 9 0 8765 1234567 321 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 "
        "0 0 0 0 0";

TEST(ProcessMetrics, ParsesTheStatLine) {
    const auto stat = parse_proc_stat(kStat);
    ASSERT_TRUE(stat);
    EXPECT_EQ(stat->user_ticks, 37U);
    EXPECT_EQ(stat->system_ticks, 12U);
    EXPECT_EQ(stat->start_ticks, 8765U);
    EXPECT_EQ(stat->rss_pages, 321U);
}

TEST(ProcessMetrics, RefusesATruncatedStatLine) {
    EXPECT_FALSE(parse_proc_stat("4242 (x) S 1 2 3"));
    EXPECT_FALSE(parse_proc_stat("no parenthesis"));
}

TEST(ProcessMetrics, ParsesTheBootTime) {
    EXPECT_EQ(parse_boot_time("cpu  1 2 3\nintr 5\nbtime 1700000000\nprocesses 9\n"), 1700000000U);
    EXPECT_FALSE(parse_boot_time("cpu 1 2 3\n"));
}

TEST(ProcessMetrics, ReportsThisProcess) {
    const ProcessMetrics metrics("1.2.3");
    const auto families = metrics.Collect();
    std::vector<std::string> names;
    for (const auto& f : families) {
        names.push_back(f.name);
        ASSERT_EQ(f.metric.size(), 1U) << f.name;
    }
    EXPECT_EQ(names, (std::vector<std::string>{"process_cpu_seconds_total",
                                               "process_resident_memory_bytes", "process_open_fds",
                                               "process_max_fds", "process_start_time_seconds",
                                               "herald_build_info"}));
    rlimit limit{};
    ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &limit), 0);
    EXPECT_GT(families[1].metric[0].gauge.value, 1024.0 * 1024.0);  // this test's own RSS
    EXPECT_GE(families[2].metric[0].gauge.value, 3.0);              // stdin, stdout, stderr
    EXPECT_EQ(families[3].metric[0].gauge.value, static_cast<double>(limit.rlim_cur));
    EXPECT_GT(families[4].metric[0].gauge.value, 1.6e9);  // after 2020
    EXPECT_EQ(families[5].metric[0].label[0].name, "version");
    EXPECT_EQ(families[5].metric[0].label[0].value, "1.2.3");
    EXPECT_EQ(families[5].metric[0].gauge.value, 1.0);
}

// The count follows descriptors opened and closed, whichever way it is read.
TEST(ProcessMetrics, CountsOpenDescriptorsExactly) {
    const auto open_now = [] {
        for (const auto& f : ProcessMetrics("1").Collect()) {
            if (f.name == "process_open_fds") {
                return f.metric[0].gauge.value;
            }
        }
        return -1.0;
    };
    const double before = open_now();
    std::vector<int> fds;
    for (int i = 0; i < 100; ++i) {
        fds.push_back(::open("/dev/null", O_RDONLY | O_CLOEXEC));
        ASSERT_GE(fds.back(), 0);
    }
    EXPECT_EQ(open_now(), before + 100);
    std::size_t listed = 0;
    for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) {
        static_cast<void>(entry);
        ++listed;
    }
    // The listing holds a descriptor of its own while it runs.
    EXPECT_NEAR(open_now(), static_cast<double>(listed), 1.0);
    for (const int fd : fds) {
        ::close(fd);
    }
    EXPECT_EQ(open_now(), before);
}

}  // namespace
}  // namespace herald::metrics
