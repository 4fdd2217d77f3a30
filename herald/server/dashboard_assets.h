// herald/server/dashboard_assets.h
//
// The dashboard's files (dashboard/ at the top of the source tree, and uPlot from its
// node_modules), compiled into the binary so that the admin listener serves them at /dashboard
// with nothing to install next to it. cmake/EmbedFiles.cmake generates the table at build time,
// so an edit to a file under dashboard/ reaches the next build.
#pragma once

#include <span>
#include <string_view>

namespace herald::server {

struct DashboardAsset {
    std::string_view path;          // under /dashboard: "" (index.html), "app.js", ...
    std::string_view content_type;  // "text/html; charset=utf-8", ...
    std::string_view body;          // the file's bytes, unchanged
};

// Every file of the dashboard, index.html first. The bytes live as long as the program.
std::span<const DashboardAsset> dashboard_assets() noexcept;

// The file at `path` under /dashboard ("" or "app.js"; no leading slash), or nullptr.
const DashboardAsset* find_dashboard_asset(std::string_view path) noexcept;

}  // namespace herald::server
