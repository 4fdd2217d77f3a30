#include "herald/webhooks/app_counters.h"

namespace herald::webhooks {

void AppCounters::add_app(std::string_view app_id) {
    const std::lock_guard lock(mutex_);
    if (counts_.find(app_id) == counts_.end()) {
        counts_.emplace(std::string(app_id), AppCounts{});
    }
}

void AppCounters::count(std::string_view app_id, Result result) {
    const std::lock_guard lock(mutex_);
    auto it = counts_.find(app_id);
    if (it == counts_.end()) {
        it = counts_.emplace(std::string(app_id), AppCounts{}).first;
    }
    switch (result) {
        case Result::Ok:
            ++it->second.ok;
            break;
        case Result::Retry:
            ++it->second.retry;
            break;
        case Result::DeadLetter:
            ++it->second.dead_letters;
            break;
    }
}

std::map<std::string, AppCounts, std::less<>> AppCounters::snapshot() const {
    const std::lock_guard lock(mutex_);
    return counts_;
}

}  // namespace herald::webhooks
