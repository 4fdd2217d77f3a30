#include "herald/metrics/exposition.h"

#include <memory>

#include <gtest/gtest.h>

#include "herald/metrics/family.h"
#include "herald/metrics/worker_counters.h"

namespace herald::metrics {
namespace {

TEST(Exposition, WritesEveryFamilyInTheTextFormat) {
    CounterLayout layout;
    const auto first =
            layout.add_counter("herald_things_total", "Things.",
                               {{{"app", "a"}, {"kind", "x"}}, {{"app", "b"}, {"kind", "y"}}});
    auto counters = std::make_shared<WorkerCounters>(std::move(layout), 2);
    counters->block(0).add(first, 2);
    counters->block(1).add(first, 1);
    counters->block(1).add(first + 1, 5);

    Exposition exposition;
    exposition.add(counters);
    exposition.add(std::make_shared<CallbackCollectable>([] {
        auto gauge = family("herald_level", "A level.", prometheus::MetricType::Gauge);
        add_sample(gauge, {{"app", "a"}}, 4);
        return std::vector<prometheus::MetricFamily>{gauge};
    }));

    EXPECT_EQ(exposition.text(),
              "# HELP herald_things_total Things.\n"
              "# TYPE herald_things_total counter\n"
              "herald_things_total{app=\"a\",kind=\"x\"} 3\n"
              "herald_things_total{app=\"b\",kind=\"y\"} 5\n"
              "# HELP herald_level A level.\n"
              "# TYPE herald_level gauge\n"
              "herald_level{app=\"a\"} 4\n");
}

TEST(Exposition, EscapesLabelValues) {
    auto f = family("herald_x", "X.", prometheus::MetricType::Gauge);
    add_sample(f, {{"version", "a\"b\\c\nd"}}, 1);
    Exposition exposition;
    exposition.add(std::make_shared<CallbackCollectable>(
            [f] { return std::vector<prometheus::MetricFamily>{f}; }));
    EXPECT_NE(exposition.text().find(R"(herald_x{version="a\"b\\c\nd"} 1)"), std::string::npos)
            << exposition.text();
}

TEST(Exposition, ContentTypeIsTheTextFormat) {
    EXPECT_EQ(kContentType, "text/plain; version=0.0.4; charset=utf-8");
}

}  // namespace
}  // namespace herald::metrics
