// herald/server/dashboard_assets_test.cpp
#include "herald/server/dashboard_assets.h"

#include <string>
#include <string_view>

#include <gtest/gtest.h>

namespace herald::server {
namespace {

TEST(DashboardAssets, EveryFileIsThereAndNotEmpty) {
    const auto assets = dashboard_assets();
    ASSERT_EQ(assets.size(), 5U);
    for (const auto& asset : assets) {
        EXPECT_FALSE(asset.body.empty()) << "/dashboard/" << asset.path;
        EXPECT_FALSE(asset.content_type.empty()) << "/dashboard/" << asset.path;
        EXPECT_EQ(find_dashboard_asset(asset.path), &asset) << "/dashboard/" << asset.path;
    }
}

TEST(DashboardAssets, ContentTypesFollowTheExtension) {
    EXPECT_EQ(find_dashboard_asset("")->content_type, "text/html; charset=utf-8");
    EXPECT_EQ(find_dashboard_asset("app.js")->content_type, "text/javascript; charset=utf-8");
    EXPECT_EQ(find_dashboard_asset("style.css")->content_type, "text/css; charset=utf-8");
    EXPECT_EQ(find_dashboard_asset("uPlot.iife.min.js")->content_type,
              "text/javascript; charset=utf-8");
    EXPECT_EQ(find_dashboard_asset("uPlot.min.css")->content_type, "text/css; charset=utf-8");
}

TEST(DashboardAssets, TheIndexReferencesEveryOtherFile) {
    const auto* index = find_dashboard_asset("");
    ASSERT_NE(index, nullptr);
    EXPECT_TRUE(index->body.starts_with("<!doctype html>"));
    for (const auto& asset : dashboard_assets()) {
        if (asset.path.empty()) {
            continue;
        }
        const std::string reference = "\"/dashboard/" + std::string(asset.path) + "\"";
        EXPECT_NE(index->body.find(reference), std::string_view::npos) << reference;
    }
}

TEST(DashboardAssets, UplotIsTheMinifiedBuild) {
    const auto* uplot = find_dashboard_asset("uPlot.iife.min.js");
    ASSERT_NE(uplot, nullptr);
    EXPECT_NE(uplot->body.find("uPlot"), std::string_view::npos);
    EXPECT_GT(uplot->body.size(), 20'000U);
    // The bytes are the file's, to the end: the minified build has no trailing NUL or padding.
    EXPECT_NE(uplot->body.back(), '\0');
}

TEST(DashboardAssets, UnknownPathsAreNotFound) {
    EXPECT_EQ(find_dashboard_asset("index.html"), nullptr);
    EXPECT_EQ(find_dashboard_asset("/"), nullptr);
    EXPECT_EQ(find_dashboard_asset("/app.js"), nullptr);
    EXPECT_EQ(find_dashboard_asset("app.js.map"), nullptr);
    EXPECT_EQ(find_dashboard_asset("../CMakeLists.txt"), nullptr);
}

TEST(DashboardAssets, ThePageIsServedWithItsTypeAndContentSecurityPolicy) {
    const auto page = dashboard_page("app.js");
    ASSERT_TRUE(page.has_value());
    EXPECT_EQ(page->status, 200U);
    EXPECT_EQ(page->fields.get("Content-Type"), "text/javascript; charset=utf-8");
    EXPECT_EQ(page->fields.get("Content-Security-Policy"), kDashboardCsp);
    EXPECT_EQ(page->body, find_dashboard_asset("app.js")->body);
    EXPECT_FALSE(dashboard_page("missing.js").has_value());
}

}  // namespace
}  // namespace herald::server
