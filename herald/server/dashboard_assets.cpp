// herald/server/dashboard_assets.cpp
//
// The lookup over the generated table (dashboard_assets_data.cpp in the build tree) and the
// answers made of its files.
#include "herald/server/dashboard_assets.h"

#include <algorithm>
#include <string>

namespace herald::server {

const DashboardAsset* find_dashboard_asset(std::string_view path) noexcept {
    const auto assets = dashboard_assets();
    const auto found = std::ranges::find(assets, path, &DashboardAsset::path);
    return found == assets.end() ? nullptr : &*found;
}

std::optional<http::Response> dashboard_page(std::string_view path) {
    const auto* asset = find_dashboard_asset(path);
    if (asset == nullptr) {
        return std::nullopt;
    }
    http::Response response;
    response.fields.set("Content-Type", std::string(asset->content_type));
    response.fields.set("Content-Security-Policy", std::string(kDashboardCsp));
    response.fields.set("Cache-Control", "no-cache");
    response.body = std::string(asset->body);
    return response;
}

}  // namespace herald::server
