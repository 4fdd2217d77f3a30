#include "herald/server/store_apps.h"

#include <spdlog/spdlog.h>

namespace herald::server {

StoreApps::StoreApps(AppSource& source, AppRegistry& apps, std::function<void()> changed)
    : source_(source), apps_(apps), changed_(std::move(changed)) {}

void StoreApps::find(AppLookup by, std::string_view value, net::Worker& worker, Done done) {
    auto later = [this, gate = gate_, by, value = std::string(value), &worker,
                  done](AppAnswer answer) mutable {
        const std::lock_guard lock(gate->mutex);
        if (!gate->open) {
            return;
        }
        worker.post([done = std::move(done), app = settle(by, value, answer)] { done(app, true); });
    };
    if (auto now = source_.find(by, value, std::move(later))) {
        done(settle(by, value, *now), false);
    }
}

void StoreApps::close() {
    const std::lock_guard lock(gate_->mutex);
    gate_->open = false;
}

AppPtr StoreApps::settle(AppLookup by, std::string_view value, const AppAnswer& answer) {
    const auto* what = by == AppLookup::ByKey ? "key" : "id";
    if (answer.app) {
        auto adopted = apps_.adopt(answer.app);
        if (!adopted) {
            util::log_throttled(full_log_, [&](const std::string& note) {
                spdlog::error("app store: {}{}", adopted.error(), note);
            });
            return nullptr;
        }
        if (adopted.value().what != AppRegistry::Adopted::Same) {
            changed_();
        }
        return adopted.value().app;
    }
    if (!answer.reachable) {
        util::log_throttled(refused_log_, [&](const std::string& note) {
            spdlog::warn("app store {} is unreachable: app {} '{}' is refused as unknown{}",
                         source_.describe(), what, value.substr(0, 64), note);
        });
        return nullptr;
    }
    // The row is gone: the app leaves the registry, and its connections are closed.
    const auto known = by == AppLookup::ById ? apps_.by_id(value) : apps_.by_key(value);
    if (known && apps_.retire(known->id)) {
        changed_();
    }
    return nullptr;
}

}  // namespace herald::server
