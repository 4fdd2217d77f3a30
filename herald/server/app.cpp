#include "herald/server/app.h"

#include <algorithm>

namespace herald::server {

App development_app() {
    App app;
    app.id = "app-id";
    app.key = "app-key";
    app.secret = "app-secret";
    app.client_events = true;
    return app;
}

AppRegistry::AppRegistry(std::vector<App> apps) : apps_(std::move(apps)) {}

const App* AppRegistry::by_key(std::string_view key) const noexcept {
    const auto it = std::find_if(apps_.begin(), apps_.end(),
                                 [&](const App& app) { return app.key == key; });
    return it == apps_.end() ? nullptr : &*it;
}

const App* AppRegistry::by_id(std::string_view id) const noexcept {
    const auto it =
            std::find_if(apps_.begin(), apps_.end(), [&](const App& app) { return app.id == id; });
    return it == apps_.end() ? nullptr : &*it;
}

std::size_t AppRegistry::index_of(const App& app) const noexcept {
    return static_cast<std::size_t>(&app - apps_.data());
}

}  // namespace herald::server
