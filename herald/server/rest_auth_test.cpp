// The signature checks of the REST API (protocol.md §8.2): every failure is a 401 with a
// text body naming the problem, and never reaches the channels.
#include <string>

#include <gtest/gtest.h>

#include "herald/server/rest_api.h"
#include "herald/server/rest_fixture.h"

namespace herald::server::rest_testing {
namespace {

class RestAuth : public RestFixture {
protected:
    // Sends `query` (built by hand) to GET /apps/3/channels.
    http::Response get_query(const std::string& query) {
        return send(raw_request("GET", "/apps/3/channels?" + query));
    }

    void expect_refused(const http::Response& response, std::string_view text) {
        EXPECT_EQ(response.status, 401U) << response.body;
        EXPECT_NE(response.body.find(text), std::string::npos) << response.body;
        EXPECT_EQ(content_type(response), "text/plain; charset=utf-8");
        EXPECT_EQ(service_.calls, 0U);
    }

    // A valid signed query for GET /apps/3/channels.
    std::string valid_query() {
        return pusher::signed_query(kKey, kSecret, "GET", "/apps/3/channels", {}, "", kNow);
    }
};

// The signed query without the parameter `name`.
std::string without(const std::string& query, std::string_view name) {
    std::string out;
    for (const auto& p : pusher::parse_query(query)) {
        if (p.key != name) {
            out += (out.empty() ? "" : "&") + pusher::percent_encode(p.key) + "=" +
                   pusher::percent_encode(p.value);
        }
    }
    return out;
}

TEST_F(RestAuth, AcceptsAValidSignature) {
    EXPECT_EQ(get_query(valid_query()).status, 200U);
}

TEST_F(RestAuth, RefusesEachMissingAuthParameter) {
    const auto query = valid_query();
    expect_refused(get_query(without(query, "auth_key")), "Missing auth_key");
    expect_refused(get_query(without(query, "auth_timestamp")), "Missing auth_timestamp");
    expect_refused(get_query(without(query, "auth_version")), "Missing auth_version");
    expect_refused(get_query(without(query, "auth_signature")), "Missing auth_signature");
    expect_refused(send(raw_request("GET", "/apps/3/channels")), "Missing auth_key");
}

TEST_F(RestAuth, RefusesAnotherAppsKey) {
    const auto query =
            pusher::signed_query("off-key", "off-secret", "GET", "/apps/3/channels", {}, "", kNow);
    expect_refused(get_query(query), "Unknown auth_key");
}

TEST_F(RestAuth, RefusesAnotherAuthVersion) {
    expect_refused(get_query(without(valid_query(), "auth_version") + "&auth_version=2.0"),
                   "Unsupported auth_version");
}

TEST_F(RestAuth, RefusesANonNumericTimestamp) {
    expect_refused(get_query(without(valid_query(), "auth_timestamp") + "&auth_timestamp=soon"),
                   "auth_timestamp is not an integer");
}

TEST_F(RestAuth, AcceptsTimestampsJustInsideTheWindowOnly) {
    // §8.2 step 6: |now - timestamp| < 600.
    for (const std::int64_t skew : {599, -599}) {
        EXPECT_EQ(
                send(signed_request(app(), "GET", "/apps/3/channels", {}, {}, kNow + skew)).status,
                200U)
                << skew;
    }
    service_.calls = 0;
    for (const std::int64_t skew : {600, -600}) {
        expect_refused(send(signed_request(app(), "GET", "/apps/3/channels", {}, {}, kNow + skew)),
                       "Timestamp expired");
    }
}

TEST_F(RestAuth, HonoursAConfiguredWindow) {
    RestApi narrow(apps_, service_, RestOptions{[] { return kNow; }, std::chrono::seconds{10}, {}});
    EXPECT_EQ(narrow.handle(signed_request(app(), "GET", "/apps/3/channels", {}, {}, kNow - 9))
                      .status,
              200U);
    EXPECT_EQ(narrow.handle(signed_request(app(), "GET", "/apps/3/channels", {}, {}, kNow - 10))
                      .status,
              401U);
}

TEST_F(RestAuth, RefusesABodyWithoutBodyMd5) {
    auto request = signed_request(app(), "POST", "/apps/3/events");
    request.body = R"({"name":"e","data":"d","channel":"c"})";
    expect_refused(send(request), "Missing body_md5");
}

TEST_F(RestAuth, RefusesABodyChangedAfterSigning) {
    auto request =
            signed_request(app(), "POST", "/apps/3/events", {}, R"({"name":"e","data":"d"})");
    request.body = R"({"name":"e","data":"D"})";
    expect_refused(send(request), "body_md5 does not match");
}

TEST_F(RestAuth, RefusesAWrongSignatureWithTheStringToSign) {
    const auto query =
            without(valid_query(), "auth_signature") + "&auth_signature=" + std::string(64, '0');
    expect_refused(
            get_query(query),
            "Invalid signature: you should have sent HmacSHA256Hex(\"GET\n/apps/3/channels\n" +
                    std::string("auth_key=278d425bdf160c739803"));
}

TEST_F(RestAuth, RefusesASignatureMadeWithAnotherSecret) {
    const auto query =
            pusher::signed_query(kKey, "not-the-secret", "GET", "/apps/3/channels", {}, "", kNow);
    expect_refused(get_query(query), "Invalid signature");
}

TEST_F(RestAuth, RefusesAParameterAddedAfterSigning) {
    expect_refused(get_query(valid_query() + "&filter_by_prefix=presence-"), "Invalid signature");
}

TEST_F(RestAuth, RefusesARequestSignedForAnotherPathOrMethod) {
    auto request = signed_request(app(), "GET", "/apps/3/channels/a");
    request.target = "/apps/3/channels/b?" + std::string(request.query());
    expect_refused(send(request), "Invalid signature");
    auto post = signed_request(app(), "POST", "/apps/3/channels");
    post.method = "GET";
    expect_refused(send(post), "Invalid signature");
}

TEST_F(RestAuth, AcceptsUpperCaseKeysAndAnyParameterOrder) {
    // §8.2: keys are lower-cased and sorted before signing, so the wire order is free.
    const auto params = pusher::parse_query(valid_query());
    std::string reversed;
    for (auto it = params.rbegin(); it != params.rend(); ++it) {
        reversed += (reversed.empty() ? "" : "&") + (it->key == "auth_key" ? "AUTH_KEY" : it->key) +
                    "=" + it->value;
    }
    EXPECT_EQ(get_query(reversed).status, 200U);
}

}  // namespace
}  // namespace herald::server::rest_testing
