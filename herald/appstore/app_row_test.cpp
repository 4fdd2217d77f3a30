#include "herald/appstore/app_row.h"

#include <gtest/gtest.h>

namespace herald::appstore {
namespace {

AppRow soketi_row() {
    return AppRow{{"id", "app-1"},
                  {"key", "key-1"},
                  {"secret", "secret-1"},
                  {"max_connections", "-1"},
                  {"enable_client_messages", "1"},
                  {"enabled", "1"},
                  {"max_backend_events_per_sec", "-1"},
                  {"max_client_events_per_sec", "-1"},
                  {"max_read_req_per_sec", "-1"},
                  {"webhooks", std::nullopt},
                  {"max_presence_members_per_channel", std::nullopt},
                  {"max_presence_member_size_in_kb", std::nullopt},
                  {"max_channel_name_length", std::nullopt},
                  {"max_event_channels_at_once", std::nullopt},
                  {"max_event_name_length", std::nullopt},
                  {"max_event_payload_in_kb", std::nullopt},
                  {"max_event_batch_size", std::nullopt},
                  {"enable_user_authentication", "0"}};
}

TEST(AppRow, SoketiDefaultsBecomeHeraldDefaults) {
    const auto app = app_from_row(soketi_row());
    ASSERT_TRUE(app) << app.error();
    EXPECT_EQ(app.value().id, "app-1");
    EXPECT_EQ(app.value().key, "key-1");
    EXPECT_EQ(app.value().secret, "secret-1");
    EXPECT_TRUE(app.value().enabled);
    EXPECT_TRUE(app.value().client_events);
    EXPECT_FALSE(app.value().user_authentication_required);
    EXPECT_EQ(app.value().limits.max_connections, 0U);  // -1: no limit, Herald's 0
    EXPECT_EQ(app.value().limits.max_client_events_per_second, 0U);
    EXPECT_EQ(app.value().limits.max_backend_events_per_second, 0U);
    EXPECT_EQ(app.value().limits.max_event_data_bytes, server::AppLimits{}.max_event_data_bytes);
    EXPECT_TRUE(app.value().webhooks.empty());
}

TEST(AppRow, OnlyIdKeyAndSecretAreNeeded) {
    const auto app = app_from_row(AppRow{{"id", "a"}, {"key", "k"}, {"secret", "s"}});
    ASSERT_TRUE(app) << app.error();
    EXPECT_EQ(app.value().limits, server::AppLimits{});
    EXPECT_TRUE(app.value().enabled);
    EXPECT_FALSE(app.value().client_events);
}

TEST(AppRow, LimitsAndSwitchesApply) {
    auto row = soketi_row();
    row["max_connections"] = "3";
    row["enabled"] = "f";  // PostgreSQL's boolean
    row["enable_user_authentication"] = "true";
    row["max_event_payload_in_kb"] = "2";
    row["max_presence_member_size_in_kb"] = "-1";
    row["max_presence_members_per_channel"] = "5";
    row["max_event_batch_size"] = "7";
    row["tls_only"] = "1";
    row["allowed_origins"] = "https://a.example, https://b.example";
    const auto app = app_from_row(row);
    ASSERT_TRUE(app) << app.error();
    EXPECT_FALSE(app.value().enabled);
    EXPECT_TRUE(app.value().user_authentication_required);
    EXPECT_TRUE(app.value().tls_only);
    EXPECT_EQ(app.value().limits.max_connections, 3U);
    EXPECT_EQ(app.value().limits.max_event_data_bytes, 2048U);
    EXPECT_GT(app.value().limits.max_user_info_bytes, std::size_t{1} << 40);
    EXPECT_EQ(app.value().limits.max_presence_members, 5U);
    EXPECT_EQ(app.value().limits.max_batch_events, 7U);
    EXPECT_EQ(app.value().allowed_origins,
              (std::vector<std::string>{"https://a.example", "https://b.example"}));
}

TEST(AppRow, SoketiWebhooksBecomeTargets) {
    auto row = soketi_row();
    row["webhooks"] = R"([{"url":"http://127.0.0.1:9/hook","event_types":["channel_occupied",
        "member_added"],"headers":{"X-A":"b"},"filter":{"channel_name_starts_with":"private-"}},
        {"url":"https://example.com/all"}])";
    const auto app = app_from_row(row);
    ASSERT_TRUE(app) << app.error();
    ASSERT_EQ(app.value().webhooks.size(), 2U);
    EXPECT_EQ(app.value().webhooks[0].url, "http://127.0.0.1:9/hook");
    EXPECT_EQ(app.value().webhooks[0].event_types.size(), 2U);
    EXPECT_EQ(app.value().webhooks[0].channel_prefix, "private-");
    EXPECT_EQ(app.value().webhooks[0].headers, (std::vector<webhooks::Header>{{"X-A", "b"}}));
    EXPECT_TRUE(app.value().webhooks[1].event_types.empty());
    EXPECT_TRUE(app.value().webhooks[1].headers.empty());
}

TEST(AppRow, AWebhookWithABadHeaderIsSkippedAndTheAppStays) {
    const auto skipped_for = [](const std::string& headers) {
        auto row = soketi_row();
        row["webhooks"] = R"([{"url":"http://127.0.0.1:9/bad","headers":)" + headers +
                          R"(},{"url":"http://127.0.0.1:9/good","headers":{"X-Ok":"1"}}])";
        std::vector<std::string> skipped;
        const auto app = app_from_row(row, &skipped);
        EXPECT_TRUE(app) << app.error();
        if (!app) {
            return std::string();
        }
        EXPECT_EQ(app.value().webhooks.size(), 1U) << headers;
        if (app.value().webhooks.size() == 1) {
            EXPECT_EQ(app.value().webhooks[0].url, "http://127.0.0.1:9/good");
        }
        EXPECT_EQ(skipped.size(), 1U) << headers;
        return skipped.empty() ? std::string() : skipped.front();
    };
    const auto injected = skipped_for(R"({"X-A":"x\r\nX-Injected: 1"})");
    EXPECT_NE(injected.find("webhook http://127.0.0.1:9/bad is skipped"), std::string::npos)
            << injected;
    EXPECT_NE(injected.find("control character"), std::string::npos) << injected;
    EXPECT_NE(skipped_for(R"({"X-A":"\u0000"})").find("control character"), std::string::npos);
    EXPECT_NE(skipped_for(R"({"X-Pusher-Signature":"forged"})").find("set by Herald"),
              std::string::npos);
    EXPECT_NE(skipped_for(R"({"host":"other"})").find("set by Herald"), std::string::npos);
    EXPECT_NE(skipped_for(R"({"Bad Name":"v"})").find("HTTP token"), std::string::npos);
    EXPECT_NE(skipped_for(R"({"X-A":5})").find("not a string"), std::string::npos);
    EXPECT_NE(skipped_for(R"(["X-A"])").find("not a JSON object"), std::string::npos);
}

TEST(AppRow, BadCellsAreNamed) {
    const auto error_of = [](std::string column, std::optional<std::string> value) {
        auto row = soketi_row();
        row[column] = std::move(value);
        const auto app = app_from_row(row);
        return app ? std::string() : app.error();
    };
    EXPECT_NE(error_of("max_connections", "lots").find("max_connections"), std::string::npos);
    EXPECT_NE(error_of("max_connections", "-2").find("max_connections"), std::string::npos);
    EXPECT_NE(error_of("max_event_payload_in_kb", "0").find("max_event_payload_in_kb"),
              std::string::npos);
    EXPECT_NE(error_of("max_event_payload_in_kb", "99999999999999999999").find("payload"),
              std::string::npos);
    EXPECT_NE(error_of("enabled", "maybe").find("enabled"), std::string::npos);
    EXPECT_NE(error_of("webhooks", "{not json").find("webhooks"), std::string::npos);
    EXPECT_NE(error_of("webhooks", R"([{"url":"ftp://x"}])").find("url"), std::string::npos);
    EXPECT_NE(error_of("webhooks", R"([{"url":"http://x/","event_types":["nope"]}])")
                      .find("event type"),
              std::string::npos);
    EXPECT_NE(error_of("secret", std::nullopt).find("secret"), std::string::npos);
    EXPECT_NE(error_of("key", "").find("key"), std::string::npos);
}

TEST(AppRow, AnAppRoundTripsThroughItsRow) {
    server::App app;
    app.id = "42";
    app.key = "k";
    app.secret = "s";
    app.client_events = true;
    app.enabled = false;
    app.limits.max_connections = 10;
    app.limits.max_event_data_bytes = 4096;
    app.webhooks.push_back(webhooks::Target{"http://127.0.0.1/h",
                                            {webhooks::EventType::ChannelVacated},
                                            "presence-",
                                            {{"Authorization", "Bearer \"x\""}, {"X-Empty", ""}}});
    const auto back = app_from_row(row_from_app(app));
    ASSERT_TRUE(back) << back.error();
    EXPECT_EQ(back.value(), app);
    for (const auto column : soketi_columns()) {
        EXPECT_TRUE(row_from_app(app).contains(column)) << column;
    }
}

}  // namespace
}  // namespace herald::appstore
