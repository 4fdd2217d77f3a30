#include "herald/metrics/exposition.h"

#include <iterator>
#include <utility>

#include <prometheus/text_serializer.h>

namespace herald::metrics {

void Exposition::add(std::shared_ptr<const prometheus::Collectable> source) {
    sources_.push_back(std::move(source));
}

std::vector<prometheus::MetricFamily> Exposition::collect() const {
    std::vector<prometheus::MetricFamily> all;
    for (const auto& source : sources_) {
        auto families = source->Collect();
        all.insert(all.end(), std::make_move_iterator(families.begin()),
                   std::make_move_iterator(families.end()));
    }
    return all;
}

std::string Exposition::text() const {
    return prometheus::TextSerializer{}.Serialize(collect());
}

}  // namespace herald::metrics
