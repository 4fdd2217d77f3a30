#include "herald/server/admin_api.h"

#include <atomic>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "herald/server/rest_testing.h"

namespace herald::server {
namespace {

using rest_testing::kAppId;
using rest_testing::RecordingService;

constexpr std::string_view kToken = "a-long-admin-token";
constexpr std::string_view kHost = "127.0.0.1:9601";

// Answers now: the API under test never defers without an off-loop runner.
struct Now final : web::Deferral {
    web::Responder defer() override {
        ADD_FAILURE() << "deferred";
        return web::Responder(nullptr);
    }
};

class AdminApiTest : public ::testing::Test {
protected:
    explicit AdminApiTest(std::optional<std::string> token = std::string(kToken))
        : api_(parts(), std::move(token)) {}

    AdminApiParts parts() {
        return AdminApiParts{apps_,
                             service_,
                             [](std::size_t, const std::string&) {
                                 return std::vector<pusher::Member>{{"u1", R"({"name":"Ann"})"}};
                             },
                             rest_,
                             feed_,
                             stats_,
                             connections_,
                             [] { return std::string(R"({"version":"test"})"); },
                             {},
                             [](std::string_view path) -> std::optional<http::Response> {
                                 if (path.empty()) {
                                     return http::text_response(200, "the page");
                                 }
                                 return std::nullopt;
                             }};
    }

    http::Response call(std::string method, std::string path, std::string body = {},
                        std::vector<std::pair<std::string, std::string>> fields = {}) {
        http::Request request;
        request.method = std::move(method);
        request.target = std::move(path);
        request.body = std::move(body);
        request.fields.add("Host", std::string(kHost));
        for (auto& [name, value] : fields) {
            request.fields.add(std::move(name), std::move(value));
        }
        Now now;
        auto response = api_.answer(request, now);
        EXPECT_TRUE(response);
        return response ? *response : http::Response{};
    }

    // Logs in; returns the cookie and CSRF token.
    std::pair<std::string, std::string> log_in() {
        const auto response = call("POST", "/api/admin/login", "token=" + std::string(kToken),
                                   {{"Origin", "http://" + std::string(kHost)}});
        EXPECT_EQ(response.status, 200U) << response.body;
        const auto cookie = std::string(response.fields.get("Set-Cookie").value_or(""));
        const auto csrf_at = response.body.find(R"("csrf":")");
        return {cookie.substr(0, cookie.find(';')), response.body.substr(csrf_at + 8, 64)};
    }

    http::Response post_event(const std::pair<std::string, std::string>& session, std::string body,
                              std::string origin = "http://" + std::string(kHost)) {
        return call("POST", "/api/admin/apps/3/events", std::move(body),
                    {{"Cookie", session.first},
                     {"X-Herald-CSRF", session.second},
                     {"Origin", std::move(origin)}});
    }

    AppRegistry apps_{{rest_testing::vector_app({})}};
    RecordingService service_;
    RestApi rest_{apps_, service_,
                  RestOptions{[] { return rest_testing::kNow; }, pusher::kRestTimestampWindow, {}}};
    DebugFeed feed_{apps_.capacity()};
    StatsHistory stats_;
    std::vector<std::atomic<std::size_t>> connections_ =
            std::vector<std::atomic<std::size_t>>(apps_.capacity());
    AdminApi api_;
};

TEST_F(AdminApiTest, TheTokenLogsInWithAnHttpOnlyStrictCookie) {
    EXPECT_EQ(call("GET", "/api/admin/session").status, 401U);
    const auto wrong = call("POST", "/api/admin/login", "token=nope",
                            {{"Origin", "http://" + std::string(kHost)}});
    EXPECT_EQ(wrong.status, 401U);
    EXPECT_EQ(wrong.body, R"({"error":"Wrong token"})");
    EXPECT_FALSE(wrong.fields.get("Set-Cookie"));
    const auto response = call("POST", "/api/admin/login", "token=" + std::string(kToken),
                               {{"Origin", "http://" + std::string(kHost)}});
    ASSERT_EQ(response.status, 200U);
    const auto cookie = std::string(response.fields.get("Set-Cookie").value_or(""));
    EXPECT_NE(cookie.find("HttpOnly"), std::string::npos);
    EXPECT_NE(cookie.find("SameSite=Strict"), std::string::npos);
    EXPECT_EQ(response.body.find(kToken), std::string::npos);
    const auto session =
            call("GET", "/api/admin/session", {}, {{"Cookie", cookie.substr(0, cookie.find(';'))}});
    EXPECT_EQ(session.status, 200U);
    EXPECT_NE(session.body.find(R"("token_required":true)"), std::string::npos);
}

TEST_F(AdminApiTest, ALoginFromAnotherOriginIsRefused) {
    const auto response = call("POST", "/api/admin/login", "token=" + std::string(kToken),
                               {{"Origin", "http://evil.example"}});
    EXPECT_EQ(response.status, 403U);
    EXPECT_FALSE(response.fields.get("Set-Cookie"));
}

TEST_F(AdminApiTest, FailedLoginsAreLimitedPerSecond) {
    unsigned last = 0;
    for (int i = 0; i < 7; ++i) {
        last = call("POST", "/api/admin/login", "token=guess",
                    {{"Origin", "http://" + std::string(kHost)}})
                       .status;
    }
    EXPECT_EQ(last, 429U);
}

TEST_F(AdminApiTest, EveryApiRouteNeedsASession) {
    for (const auto* path : {"/api/admin/apps", "/api/admin/stats", "/api/admin/node",
                             "/api/admin/apps/3/channels", "/api/admin/apps/3/channels/a"}) {
        const auto response = call("GET", path);
        EXPECT_EQ(response.status, 401U) << path;
        EXPECT_EQ(response.body, R"({"error":"Log in first"})");
    }
    EXPECT_EQ(call("GET", "/dashboard").body, "the page");  // the page itself asks to log in
}

TEST_F(AdminApiTest, AppsShowTheirConnectionsAndNeverTheirSecret) {
    const auto session = log_in();
    connections_[0] = 3;
    const auto response = call("GET", "/api/admin/apps", {}, {{"Cookie", session.first}});
    ASSERT_EQ(response.status, 200U);
    EXPECT_EQ(response.body, R"({"apps":[{"id":"3","key":"278d425bdf160c739803","enabled":true,)"
                             R"("client_events":false,"connections":3}]})");
    EXPECT_EQ(response.body.find(rest_testing::kSecret), std::string::npos);
}

TEST_F(AdminApiTest, TheEventCreatorNeedsTheCsrfTokenAndThisOrigin) {
    auto session = log_in();
    const std::string body = R"({"channel":"my-channel","event":"e","data":"hello"})";
    EXPECT_EQ(post_event(session, body, "http://evil.example").status, 403U);
    EXPECT_EQ(post_event({session.first, std::string(64, '0')}, body).status, 403U);
    EXPECT_EQ(call("POST", "/api/admin/apps/3/events", body,
                   {{"Cookie", session.first}, {"Origin", "http://" + std::string(kHost)}})
                      .status,
              403U);
    EXPECT_TRUE(service_.published.empty());
    const auto sent = post_event(session, body);
    EXPECT_EQ(sent.status, 200U) << sent.body;
    ASSERT_EQ(service_.published.size(), 1U);
    EXPECT_EQ(service_.published[0].channel, "my-channel");
    EXPECT_EQ(service_.published[0].data, "hello");
}

TEST_F(AdminApiTest, TheEventCreatorAnswersTheRestApisErrors) {
    const auto session = log_in();
    const auto spaced = post_event(session, R"({"channel":"a b","event":"e","data":"x"})");
    EXPECT_EQ(spaced.status, 400U);
    EXPECT_NE(spaced.body.find("a b"), std::string::npos) << spaced.body;
    const auto large = post_event(session, R"({"channel":"c","event":"e","data":")" +
                                                   std::string(11 * 1024, 'x') + "\"}");
    EXPECT_EQ(large.status, 413U) << large.body;
    EXPECT_EQ(post_event(session, "not json").status, 400U);
    EXPECT_TRUE(service_.published.empty());
}

TEST_F(AdminApiTest, AChannelShowsItsMembersWithTheirInfo) {
    const auto session = log_in();
    service_.states["presence-room"] = ChannelState{true, 2, 2, std::nullopt, 0};
    service_.members["presence-room"] = {"u1", "u2"};
    const auto response = call("GET", "/api/admin/apps/3/channels/presence-room", {},
                               {{"Cookie", session.first}});
    ASSERT_EQ(response.status, 200U);
    EXPECT_EQ(
            response.body,
            R"({"name":"presence-room","type":"presence","occupied":true,)"
            R"("subscription_count":2,"user_count":2,"members":[{"id":"u1","info":{"name":"Ann"}},)"
            R"({"id":"u2","info":null}]})");
}

TEST_F(AdminApiTest, UnknownAppsAndRoutesGet404) {
    const auto session = log_in();
    EXPECT_EQ(call("GET", "/api/admin/apps/9/channels", {}, {{"Cookie", session.first}}).status,
              404U);
    EXPECT_EQ(call("GET", "/api/admin/nothing", {}, {{"Cookie", session.first}}).status, 404U);
    EXPECT_EQ(call("GET", "/dashboard/missing.js").status, 404U);
}

TEST_F(AdminApiTest, LogoutEndsTheSession) {
    const auto session = log_in();
    const auto out = call("POST", "/api/admin/logout", {},
                          {{"Cookie", session.first},
                           {"X-Herald-CSRF", session.second},
                           {"Origin", "http://" + std::string(kHost)}});
    EXPECT_EQ(out.status, 200U);
    EXPECT_EQ(call("GET", "/api/admin/apps", {}, {{"Cookie", session.first}}).status, 401U);
}

class OpenAdminApiTest : public AdminApiTest {
protected:
    OpenAdminApiTest() : AdminApiTest(std::nullopt) {}
};

TEST_F(OpenAdminApiTest, WithoutATokenTheSessionIsGivenAndCsrfStillGuardsPosts) {
    const auto response = call("GET", "/api/admin/session");
    ASSERT_EQ(response.status, 200U);
    EXPECT_NE(response.body.find(R"("token_required":false)"), std::string::npos);
    const auto cookie = std::string(response.fields.get("Set-Cookie").value_or(""));
    ASSERT_FALSE(cookie.empty());
    const auto id = cookie.substr(0, cookie.find(';'));
    EXPECT_EQ(call("GET", "/api/admin/apps", {}, {{"Cookie", id}}).status, 200U);
    EXPECT_EQ(call("POST", "/api/admin/apps/3/events", R"({"channel":"c","event":"e","data":"x"})",
                   {{"Cookie", id}, {"Origin", "http://" + std::string(kHost)}})
                      .status,
              403U);
}

TEST(LoopbackHost, NamesOnlyThisMachine) {
    EXPECT_TRUE(is_loopback_host("127.0.0.1"));
    EXPECT_TRUE(is_loopback_host("127.1.2.3"));
    EXPECT_TRUE(is_loopback_host("::1"));
    EXPECT_TRUE(is_loopback_host("localhost"));
    EXPECT_FALSE(is_loopback_host("0.0.0.0"));
    EXPECT_FALSE(is_loopback_host("::"));
    EXPECT_FALSE(is_loopback_host("10.0.0.1"));
    EXPECT_FALSE(is_loopback_host("127.example.com"));
}

}  // namespace
}  // namespace herald::server
