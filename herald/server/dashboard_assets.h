// herald/server/dashboard_assets.h
//
// The dashboard's files (dashboard/ at the top of the source tree, and uPlot from its
// node_modules), compiled into the binary so that the admin listener serves them at /dashboard
// with nothing to install next to it. cmake/EmbedFiles.cmake generates the table at build time,
// so an edit to a file under dashboard/ reaches the next build.
#pragma once

#include <optional>
#include <span>
#include <string_view>

#include "herald/http/message.h"

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

// The page's Content-Security-Policy: nothing but this origin's own files, no inline script or
// style, no framing.
inline constexpr std::string_view kDashboardCsp =
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "connect-src 'self'; frame-ancestors 'none'";

// The 200 answer for the file at `path` (as for find_dashboard_asset): its content type, the
// Content-Security-Policy above and `Cache-Control: no-cache` (a new binary may bring new
// files). Nothing for an unknown path.
std::optional<http::Response> dashboard_page(std::string_view path);

}  // namespace herald::server
