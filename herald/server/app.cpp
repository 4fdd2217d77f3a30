#include "herald/server/app.h"

#include <algorithm>

#include "herald/util/assert.h"

namespace herald::server {

App development_app() {
    App app;
    app.id = "app-id";
    app.key = "app-key";
    app.secret = "app-secret";
    app.client_events = true;
    return app;
}

AppRegistry::AppRegistry(std::vector<App> apps, std::size_t spare)
    : capacity_(apps.size() + spare) {
    now_.slots.resize(capacity_);
    ids_.resize(capacity_);
    [[maybe_unused]] const auto changes = replace(std::move(apps));
    HERALD_ASSERT(changes.has_value());
}

AppPtr AppRegistry::by_key(std::string_view key) const {
    const std::lock_guard lock(mutex_);
    const auto it = now_.by_key.find(std::string(key));
    return it == now_.by_key.end() ? nullptr : now_.slots[it->second];
}

AppPtr AppRegistry::by_id(std::string_view id) const {
    const std::lock_guard lock(mutex_);
    const auto it = slots_.find(std::string(id));
    return it == slots_.end() ? nullptr : now_.slots[it->second];
}

AppPtr AppRegistry::at(std::size_t slot) const {
    const std::lock_guard lock(mutex_);
    return slot < now_.slots.size() ? now_.slots[slot] : nullptr;
}

std::optional<std::size_t> AppRegistry::slot_of(std::string_view id) const {
    const std::lock_guard lock(mutex_);
    const auto it = slots_.find(std::string(id));
    if (it == slots_.end()) {
        return std::nullopt;
    }
    return it->second;
}

std::size_t AppRegistry::index_of(const App& app) const {
    const auto slot = slot_of(app.id);
    HERALD_ASSERT(slot.has_value());
    return *slot;
}

std::string AppRegistry::id_of(std::size_t slot) const {
    const std::lock_guard lock(mutex_);
    return slot < ids_.size() ? ids_[slot] : std::string();
}

std::vector<AppPtr> AppRegistry::apps() const {
    const std::lock_guard lock(mutex_);
    std::vector<AppPtr> apps;
    for (const auto& app : now_.slots) {
        if (app) {
            apps.push_back(app);
        }
    }
    return apps;
}

std::vector<std::pair<std::size_t, std::string>> AppRegistry::live_slots() const {
    const std::lock_guard lock(mutex_);
    std::vector<std::pair<std::size_t, std::string>> live;
    for (std::size_t slot = 0; slot < now_.slots.size(); ++slot) {
        if (now_.slots[slot]) {
            live.emplace_back(slot, ids_[slot]);
        }
    }
    return live;
}

util::Result<AppChanges, std::string> AppRegistry::replace(std::vector<App> apps) {
    const std::lock_guard lock(mutex_);
    std::size_t new_ids = 0;
    for (const auto& app : apps) {
        new_ids += slots_.contains(app.id) ? 0 : 1;
    }
    if (slots_.size() + new_ids > capacity_) {
        return util::unexpected("cannot add " + std::to_string(new_ids) +
                                " app(s): this server has room for " + std::to_string(capacity_) +
                                " app ids in its life and has seen " +
                                std::to_string(slots_.size()) + "; a restart makes room");
    }
    AppChanges changes;
    Snapshot next;
    next.slots.resize(capacity_);
    for (auto& app : apps) {
        const auto [it, fresh] = slots_.try_emplace(app.id, slots_.size());
        const auto slot = it->second;
        if (fresh) {
            ids_[slot] = app.id;
        }
        const auto& before = now_.slots[slot];
        if (!before) {
            changes.added.push_back(slot);
        } else if (*before != app) {
            changes.changed.push_back(slot);
        }
        next.by_key.emplace(app.key, slot);
        next.slots[slot] =
                (before && *before == app) ? before : std::make_shared<const App>(std::move(app));
    }
    for (std::size_t slot = 0; slot < capacity_; ++slot) {
        if (now_.slots[slot] && !next.slots[slot]) {
            changes.removed.push_back(slot);
        }
    }
    std::sort(changes.added.begin(), changes.added.end());
    std::sort(changes.changed.begin(), changes.changed.end());
    now_ = std::move(next);
    return changes;
}

util::Result<AppRegistry::Adoption, std::string> AppRegistry::adopt(AppPtr app) {
    const std::lock_guard lock(mutex_);
    auto it = slots_.find(app->id);
    if (it == slots_.end()) {
        if (slots_.size() >= capacity_) {
            return util::unexpected("cannot add app " + app->id + ": this server has room for " +
                                    std::to_string(capacity_) +
                                    " app ids in its life and has seen them all; a restart "
                                    "makes room");
        }
        it = slots_.emplace(app->id, slots_.size()).first;
        ids_[it->second] = app->id;
    }
    const auto slot = it->second;
    auto& now = now_.slots[slot];
    if (now && (now == app || *now == *app)) {
        return Adoption{now, slot, Adopted::Same};
    }
    const auto what = now ? Adopted::Changed : Adopted::Added;
    if (now && now->key != app->key) {
        const auto old = now_.by_key.find(now->key);
        if (old != now_.by_key.end() && old->second == slot) {
            now_.by_key.erase(old);
        }
    }
    now_.by_key[app->key] = slot;
    now = std::move(app);
    return Adoption{now, slot, what};
}

std::optional<std::size_t> AppRegistry::retire(std::string_view id) {
    const std::lock_guard lock(mutex_);
    const auto it = slots_.find(std::string(id));
    if (it == slots_.end() || !now_.slots[it->second]) {
        return std::nullopt;
    }
    auto& now = now_.slots[it->second];
    const auto key = now_.by_key.find(now->key);
    if (key != now_.by_key.end() && key->second == it->second) {
        now_.by_key.erase(key);
    }
    now = nullptr;
    return it->second;
}

}  // namespace herald::server
