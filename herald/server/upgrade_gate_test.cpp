#include "herald/server/upgrade_gate.h"

#include <gtest/gtest.h>

namespace herald::server {
namespace {

using pusher::ErrorCode;

AppRegistry registry() {
    App open = development_app();
    App disabled = open;
    disabled.id = "2";
    disabled.key = "off-key";
    disabled.enabled = false;
    App secure = open;
    secure.id = "3";
    secure.key = "tls-key";
    secure.tls_only = true;
    App picky = open;
    picky.id = "4";
    picky.key = "origin-key";
    picky.allowed_origins = {"https://example.com"};
    return AppRegistry({open, disabled, secure, picky});
}

GateVerdict check(std::string_view path, std::string_view query = "protocol=7",
                  GatePolicy policy = {}, std::optional<std::string_view> origin = std::nullopt,
                  bool tls = false) {
    static const auto apps = registry();
    return check_upgrade(UpgradeRequest{path, query, origin, tls}, apps, policy);
}

TEST(UpgradeGate, AcceptsAKnownKeyWithProtocolsFiveToSeven) {
    for (const auto* query : {"protocol=5", "protocol=6", "protocol=7&client=js&version=8.4.0"}) {
        const auto verdict = check("/app/app-key", query);
        ASSERT_TRUE(verdict) << query << ": " << verdict.error().message;
        EXPECT_EQ((*verdict)->id, "app-id");
    }
}

TEST(UpgradeGate, RefusesOtherPathsWith4005) {
    for (const auto* path : {"/", "/apps/app-key", "/app/", "/app/app-key/x", "/x/app/app-key"}) {
        EXPECT_EQ(check(path).error().code, ErrorCode::PathNotFound) << path;
    }
}

TEST(UpgradeGate, HonoursThePathPrefix) {
    const GatePolicy policy{"/ws", false};
    EXPECT_TRUE(check("/ws/app/app-key", "protocol=7", policy));
    EXPECT_EQ(check("/app/app-key", "protocol=7", policy).error().code, ErrorCode::PathNotFound);
}

TEST(UpgradeGate, RefusesUnknownAndDisabledApps) {
    EXPECT_EQ(check("/app/nope").error().code, ErrorCode::ApplicationDoesNotExist);
    EXPECT_EQ(check("/app/off-key").error().code, ErrorCode::ApplicationDisabled);
}

TEST(UpgradeGate, RefusesPlainConnectionsToTlsOnlyApps) {
    EXPECT_EQ(check("/app/tls-key").error().code, ErrorCode::SslOnly);
    EXPECT_TRUE(check("/app/tls-key", "protocol=7", {}, std::nullopt, true));
}

TEST(UpgradeGate, RefusesUnsupportedOrMalformedProtocols) {
    for (const auto* query :
         {"protocol=4", "protocol=8", "protocol=seven", "protocol=", "protocol=7x"}) {
        const auto verdict = check("/app/app-key", query);
        EXPECT_EQ(verdict.error().code, ErrorCode::UnsupportedProtocolVersion) << query;
        EXPECT_NE(verdict.error().message.find("supported"), std::string::npos);
    }
}

TEST(UpgradeGate, AMissingProtocolIsSevenUnlessStrict) {
    EXPECT_TRUE(check("/app/app-key", "client=js"));
    EXPECT_EQ(check("/app/app-key", "client=js", GatePolicy{"", true}).error().code,
              ErrorCode::NoProtocolVersionSupplied);
}

TEST(UpgradeGate, ChecksTheOriginWhenTheAppListsOrigins) {
    EXPECT_TRUE(check("/app/origin-key", "protocol=7", {}, "https://example.com"));
    EXPECT_EQ(check("/app/origin-key", "protocol=7", {}, "https://evil.example").error().code,
              ErrorCode::ConnectionUnauthorized);
    EXPECT_EQ(check("/app/origin-key").error().code, ErrorCode::ConnectionUnauthorized);
}

}  // namespace
}  // namespace herald::server
