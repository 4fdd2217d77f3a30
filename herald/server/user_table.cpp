#include "herald/server/user_table.h"

#include <algorithm>

namespace herald::server {

namespace {

void erase_ref(std::vector<ConnectionRef>& refs, const void* id) {
    std::erase_if(refs, [&](const ConnectionRef& r) { return r.id == id; });
}

}  // namespace

UserSignInOutcome UserTable::sign_in(std::size_t app, const std::string& user,
                                     const ConnectionRef& ref,
                                     const std::vector<std::string>& watchlist) {
    const std::lock_guard lock(mutex_);
    auto& users = apps_[app];
    UserSignInOutcome outcome;
    auto& refs = users.connections[user];
    outcome.first = refs.empty();
    refs.push_back(ref);
    if (outcome.first) {
        if (const auto it = users.watchers.find(user); it != users.watchers.end()) {
            outcome.watchers = it->second;
        }
    }
    for (const auto& watched : watchlist) {
        users.watchers[watched].push_back(ref);
        const auto it = users.connections.find(watched);
        (it != users.connections.end() && !it->second.empty() ? outcome.online : outcome.offline)
                .push_back(watched);
    }
    return outcome;
}

UserSignOutOutcome UserTable::sign_out(std::size_t app, const std::string& user, const void* id,
                                       const std::vector<std::string>& watchlist) {
    const std::lock_guard lock(mutex_);
    auto& users = apps_[app];
    UserSignOutOutcome outcome;
    for (const auto& watched : watchlist) {
        const auto it = users.watchers.find(watched);
        if (it != users.watchers.end()) {
            erase_ref(it->second, id);
            if (it->second.empty()) {
                users.watchers.erase(it);
            }
        }
    }
    const auto it = users.connections.find(user);
    if (it == users.connections.end()) {
        return outcome;
    }
    erase_ref(it->second, id);
    if (it->second.empty()) {
        users.connections.erase(it);
        outcome.last = true;
        if (const auto w = users.watchers.find(user); w != users.watchers.end()) {
            outcome.watchers = w->second;
        }
    }
    return outcome;
}

std::vector<ConnectionRef> UserTable::connections(std::size_t app, std::string_view user) {
    const std::lock_guard lock(mutex_);
    auto& users = apps_[app];
    const auto it = users.connections.find(std::string(user));
    return it == users.connections.end() ? std::vector<ConnectionRef>{} : it->second;
}

std::vector<ConnectionRef> UserTable::watchers(std::size_t app, std::string_view user) {
    const std::lock_guard lock(mutex_);
    auto& users = apps_[app];
    const auto it = users.watchers.find(std::string(user));
    return it == users.watchers.end() ? std::vector<ConnectionRef>{} : it->second;
}

std::vector<std::string> UserTable::signed_in(std::size_t app) {
    const std::lock_guard lock(mutex_);
    std::vector<std::string> out;
    for (const auto& [user, refs] : apps_[app].connections) {
        if (!refs.empty()) {
            out.push_back(user);
        }
    }
    return out;
}

}  // namespace herald::server
