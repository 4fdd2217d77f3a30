#include "herald/server/stats_history.h"

#include <array>
#include <cmath>
#include <utility>

#include "herald/util/json_writer.h"

namespace herald::server {

namespace {

std::uint64_t rate(std::uint64_t now, std::uint64_t before, double seconds) {
    if (now < before || seconds <= 0) {
        return 0;
    }
    return static_cast<std::uint64_t>(std::llround(static_cast<double>(now - before) / seconds));
}

using Field = std::uint64_t StatsSample::*;

constexpr std::array<std::pair<const char*, Field>, 5> kSeries = {{
        {"connections", &StatsSample::connections},
        {"sent", &StatsSample::sent},
        {"received", &StatsSample::received},
        {"rest", &StatsSample::rest},
        {"webhook_queue", &StatsSample::webhook_queue},
}};

}  // namespace

void StatsHistory::record(std::int64_t time, Clock::time_point now, const StatsTotals& totals) {
    std::lock_guard lock(mutex_);
    if (!samples_.empty() && time <= samples_.back().time) {
        return;
    }
    const auto seconds = std::chrono::duration<double>(now - previous_at_).count();
    const auto previous = std::exchange(previous_, totals);
    previous_at_ = now;
    samples_.push_back(
            StatsSample{time, totals.connections, rate(totals.sent, previous.sent, seconds),
                        rate(totals.received, previous.received, seconds),
                        rate(totals.rest, previous.rest, seconds), totals.webhook_queue});
    if (samples_.size() > kSamples) {
        samples_.pop_front();
    }
}

std::vector<StatsSample> StatsHistory::samples() const {
    std::lock_guard lock(mutex_);
    return {samples_.begin(), samples_.end()};
}

std::optional<StatsSample> StatsHistory::latest() const {
    std::lock_guard lock(mutex_);
    if (samples_.empty()) {
        return std::nullopt;
    }
    return samples_.back();
}

std::string StatsHistory::json() const {
    const auto all = samples();
    util::JsonWriter json;
    json.begin_object().key("interval_seconds").number(1).key("times").begin_array();
    for (const auto& s : all) {
        json.number(s.time);
    }
    json.end_array().key("series").begin_object();
    for (const auto& [name, field] : kSeries) {
        json.key(name).begin_array();
        for (const auto& s : all) {
            json.number(s.*field);
        }
        json.end_array();
    }
    json.end_object().end_object();
    return json.take();
}

std::string stats_event_json(const StatsSample& sample) {
    util::JsonWriter json;
    json.begin_object().key("time").number(sample.time);
    for (const auto& [name, field] : kSeries) {
        json.key(name).number(sample.*field);
    }
    json.end_object();
    return json.take();
}

}  // namespace herald::server
