// herald/webhooks/pipeline_fixture.h
//
// The GoogleTest fixture of the pipeline tests (dispatcher_test.cpp, occupancy_recovery_test.cpp):
// the Pipeline stepped as the webhook thread steps it, against a scripted transport and scripted
// clocks: no sockets, no threads, no sleeping. Time passes only while the pipeline waits on the
// transport, by exactly the wait it asked for, as it would on a quiet network. The spool, the
// occupancy journal and the dead-letter file are the real ones, in a temporary directory.
// Owner: one test.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "tests/support/temp_dir.h"
#include <gtest/gtest.h>

#include "herald/webhooks/pipeline.h"

namespace herald::webhooks::pipeline_testing {

namespace fs = std::filesystem;
using std::chrono::milliseconds;

inline constexpr std::int64_t kWallStart = 1'700'000'000'000;
inline const std::string kUrlA = "http://a.example/hook";
inline const std::string kUrlB = "http://b.example/hook";

// The monotonic and the wall clock advance together; jitter comes from a script (cycled).
struct FakeTime {
    Clock::time_point now = Clock::time_point{} + std::chrono::hours(1);
    std::int64_t wall_ms = kWallStart;
    std::vector<double> jitters{0.5};
    std::size_t jitter_draws = 0;

    void advance(milliseconds by) {
        now += by;
        wall_ms += by.count();
    }

    Clocks clocks() {
        return Clocks{[this] { return now; }, [this] { return wall_ms; },
                      [this] {
                          return jitters[jitter_draws++ % jitters.size()];
                      }};
    }

    [[nodiscard]] milliseconds since_start() const { return milliseconds(wall_ms - kWallStart); }
};

// Records every start(); answers at once for the URLs given a status in `answer_with`, else only
// when the test calls answer(). A wait() with nothing to return lets the whole wait pass.
class FakeTransport final : public Transport {
public:
    struct Started {
        Outbound request;
        milliseconds at;  // since the start of the test
        milliseconds timeout;
    };

    explicit FakeTransport(FakeTime& time) : time_(time) {}

    void start(const Outbound& request, milliseconds timeout) override {
        started.push_back(Started{request, time_.since_start(), timeout});
        in_flight.push_back(request.id);
        if (const auto found = answer_with.find(request.url); found != answer_with.end()) {
            answer(request.id, found->second);
        }
    }

    std::vector<Completion> wait(milliseconds timeout) override {
        waits.push_back(timeout);
        if (ready_.empty()) {
            time_.advance(timeout);
        }
        return std::exchange(ready_, {});
    }

    void wakeup() override {}

    void answer(std::uint64_t id, long status) {
        std::erase(in_flight, id);
        Completion completion{id, status, {}};
        if (status < 200 || status > 299) {
            completion.error = "HTTP status " + std::to_string(status);
        }
        ready_.push_back(std::move(completion));
    }

    // The starts of requests to `url`, in order.
    [[nodiscard]] std::vector<Started> to(const std::string& url) const {
        std::vector<Started> out;
        std::copy_if(started.begin(), started.end(), std::back_inserter(out),
                     [&](const Started& s) { return s.request.url == url; });
        return out;
    }

    std::map<std::string, long> answer_with;
    std::vector<Started> started;
    std::vector<std::uint64_t> in_flight;
    std::vector<milliseconds> waits;

private:
    FakeTime& time_;
    std::vector<Completion> ready_;
};

class PipelineFixture : public ::testing::Test {
protected:
    void SetUp() override {
        settings.spool_path = (dir / "webhooks.spool").string();
        settings.dead_letter_path = (dir / "webhooks.dead").string();
        settings.batch_max_events = 1;  // one request per event unless a test says otherwise
    }

    void TearDown() override { pipeline.reset(); }

    // One app whose events go to every URL of `urls`.
    Pipeline& make(const std::vector<std::string>& urls) {
        AppHooks app{"app-id", "app-key", "app-secret", {}};
        for (const auto& url : urls) {
            app.targets.push_back(Target{url, {}, ""});
        }
        pipeline = std::make_unique<Pipeline>(settings, std::vector<AppHooks>{app}, transport,
                                              time.clocks());
        pipeline->open();
        return *pipeline;
    }

    bool step(std::vector<Event> events = {}, bool stopping = false) {
        std::vector<AppEvent> inbox;
        for (auto& event : events) {
            inbox.push_back(AppEvent{0, std::move(event)});
        }
        return pipeline->step(inbox, stopping);
    }

    // What the spool would replay after a restart (closes the pipeline, which holds the lock).
    std::vector<Outbound> spooled() {
        pipeline.reset();
        Spool spool(settings.spool_path, settings.spool_max_bytes);
        return spool.open().pending;
    }

    [[nodiscard]] std::vector<std::string> dead_letters() const {
        std::ifstream in(settings.dead_letter_path);
        std::vector<std::string> lines;
        for (std::string line; std::getline(in, line);) {
            lines.push_back(line);
        }
        return lines;
    }

    static bool carries(const Outbound& request, const std::string& channel) {
        return request.body.find("\"channel\":\"" + channel + "\"") != std::string::npos;
    }

    support::TempDir temp_dir{"dispatcher"};
    fs::path dir = temp_dir.path();
    Settings settings;
    FakeTime time;
    FakeTransport transport{time};
    std::unique_ptr<Pipeline> pipeline;
};

}  // namespace herald::webhooks::pipeline_testing
