// herald/metrics/process.h
//
// The process's own metrics under their standard names (process_cpu_seconds_total,
// process_resident_memory_bytes, process_open_fds, process_start_time_seconds), read from
// /proc/self when scraped, and herald_build_info{version} = 1.
// Owner: the server; Collect() runs on any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>

namespace herald::metrics {

// The fields of /proc/self/stat that the process metrics need (proc(5)).
struct ProcStat {
    std::uint64_t user_ticks = 0;    // utime, field 14
    std::uint64_t system_ticks = 0;  // stime, field 15
    std::uint64_t start_ticks = 0;   // starttime, field 22: after boot
    std::uint64_t rss_pages = 0;     // rss, field 24
};

// Parses /proc/[pid]/stat; the command name (field 2) may hold spaces and parentheses.
[[nodiscard]] std::optional<ProcStat> parse_proc_stat(std::string_view text);

// The boot time in seconds since the epoch: the `btime` line of /proc/stat.
[[nodiscard]] std::optional<std::uint64_t> parse_boot_time(std::string_view text);

class ProcessMetrics final : public prometheus::Collectable {
public:
    explicit ProcessMetrics(std::string version);

    [[nodiscard]] std::vector<prometheus::MetricFamily> Collect() const override;

private:
    std::string version_;
    double ticks_per_second_;
    double page_bytes_;
    std::optional<double> start_time_;  // read once: it does not change
};

}  // namespace herald::metrics
