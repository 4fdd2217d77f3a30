// herald/server/dashboard_assets.cpp
//
// The lookup over the generated table (dashboard_assets_data.cpp in the build tree).
#include "herald/server/dashboard_assets.h"

#include <algorithm>

namespace herald::server {

const DashboardAsset* find_dashboard_asset(std::string_view path) noexcept {
    const auto assets = dashboard_assets();
    const auto found = std::ranges::find(assets, path, &DashboardAsset::path);
    return found == assets.end() ? nullptr : &*found;
}

}  // namespace herald::server
