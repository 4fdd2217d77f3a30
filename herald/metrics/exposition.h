// herald/metrics/exposition.h
//
// What GET /metrics answers: every registered collectable's families in the Prometheus text
// exposition format 0.0.4 (prometheus-cpp's TextSerializer), in registration order.
// Owner: the server. add() before the first scrape; text() from any thread after that.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>

namespace herald::metrics {

inline constexpr std::string_view kContentType = "text/plain; version=0.0.4; charset=utf-8";

// A collectable that calls a function: for values the owner already keeps (a gauge of open
// connections read from the counts the server holds anyway).
class CallbackCollectable final : public prometheus::Collectable {
public:
    using Function = std::function<std::vector<prometheus::MetricFamily>()>;

    explicit CallbackCollectable(Function collect) : collect_(std::move(collect)) {}

    [[nodiscard]] std::vector<prometheus::MetricFamily> Collect() const override {
        return collect_();
    }

private:
    Function collect_;
};

class Exposition {
public:
    void add(std::shared_ptr<const prometheus::Collectable> source);

    [[nodiscard]] std::vector<prometheus::MetricFamily> collect() const;
    [[nodiscard]] std::string text() const;

private:
    std::vector<std::shared_ptr<const prometheus::Collectable>> sources_;
};

}  // namespace herald::metrics
