#include "herald/server/user_table.h"

#include <algorithm>

namespace herald::server {

namespace {

void erase_ref(std::vector<ConnectionRef>& refs, const void* id) {
    std::erase_if(refs, [&](const ConnectionRef& r) { return r.id == id; });
}

}  // namespace

SignInResult UserTable::sign_in(std::size_t app, const std::string& user, const ConnectionRef& ref,
                                const std::vector<std::string>& watchlist) {
    const std::lock_guard lock(mutex_);
    auto& users = apps_[app];
    SignInResult result;
    auto& refs = users.connections[user];
    result.first = refs.empty();
    refs.push_back(ref);
    if (result.first) {
        if (const auto it = users.watchers.find(user); it != users.watchers.end()) {
            result.watchers = it->second;
        }
    }
    for (const auto& watched : watchlist) {
        users.watchers[watched].push_back(ref);
        const auto it = users.connections.find(watched);
        (it != users.connections.end() && !it->second.empty() ? result.online : result.offline)
                .push_back(watched);
    }
    return result;
}

SignOutResult UserTable::sign_out(std::size_t app, const std::string& user, const void* id,
                                  const std::vector<std::string>& watchlist) {
    const std::lock_guard lock(mutex_);
    auto& users = apps_[app];
    SignOutResult result;
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
        return result;
    }
    erase_ref(it->second, id);
    if (it->second.empty()) {
        users.connections.erase(it);
        result.last = true;
        if (const auto w = users.watchers.find(user); w != users.watchers.end()) {
            result.watchers = w->second;
        }
    }
    return result;
}

std::vector<ConnectionRef> UserTable::connections(std::size_t app, std::string_view user) {
    const std::lock_guard lock(mutex_);
    auto& users = apps_[app];
    const auto it = users.connections.find(std::string(user));
    return it == users.connections.end() ? std::vector<ConnectionRef>{} : it->second;
}

}  // namespace herald::server
