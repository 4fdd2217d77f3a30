#include "herald/server/rest_api.h"

#include <string>

#include <gtest/gtest.h>

#include "herald/server/rest_fixture.h"

namespace herald::server::rest_testing {
namespace {

const std::string kAuth =
        "auth_key=278d425bdf160c739803&auth_timestamp=1353088179&auth_version=1.0";

class RestApiTest : public RestFixture {};

TEST_F(RestApiTest, AnswersHealthChecksWithoutSignature) {
    for (const auto* path : {"/", "/up"}) {
        const auto response = send(raw_request("GET", path));
        EXPECT_EQ(response.status, 200U) << path;
        EXPECT_EQ(response.body, "OK") << path;
    }
    EXPECT_EQ(service_.calls, 0U);
}

TEST_F(RestApiTest, AnswersHeadHealthChecksWithTheLengthOnly) {
    for (const auto* path : {"/", "/up"}) {
        const auto head = send(raw_request("HEAD", path));
        EXPECT_EQ(head.status, 200U) << path;
        EXPECT_EQ(head.body, "") << path;
        EXPECT_EQ(head.fields.get("Content-Length"), "2") << path;
    }
}

TEST_F(RestApiTest, RefusesOtherMethodsOnHealthChecks) {
    const auto post = send(raw_request("POST", "/up"));
    EXPECT_EQ(post.status, 405U);
    EXPECT_EQ(post.fields.get("Allow"), "GET, HEAD");
}

TEST_F(RestApiTest, HandlesOnlyItsOwnPaths) {
    for (const auto* path : {"/", "/up", "/apps/3/events", "/apps/x/channels/a/users"}) {
        EXPECT_TRUE(RestApi::handles(path)) << path;
    }
    for (const auto* path : {"/app/key", "/upx", "/apps", "/metrics", ""}) {
        EXPECT_FALSE(RestApi::handles(path)) << path;
    }
}

TEST_F(RestApiTest, UnknownRoutesAre404) {
    for (const auto* path :
         {"/apps/3", "/apps/3/", "/apps/3/nothing", "/apps/3/events/", "/apps/3/channels/a/b",
          "/apps/3/channels/a/users/x", "/apps/3/users/1/terminate", "/apps/3/users/1"}) {
        const auto response = get(path);
        EXPECT_EQ(response.status, 404U) << path;
        EXPECT_NE(response.body.find("no API endpoint"), std::string::npos) << response.body;
    }
    EXPECT_EQ(service_.calls, 0U);
}

TEST_F(RestApiTest, WrongMethodIs405WithAllow) {
    struct Case {
        const char* method;
        const char* path;
        const char* allow;
    };

    for (const auto& c :
         {Case{"GET", "/apps/3/events", "POST"}, Case{"PUT", "/apps/3/batch_events", "POST"},
          Case{"POST", "/apps/3/channels", "GET"}, Case{"DELETE", "/apps/3/channels/a", "GET"},
          Case{"POST", "/apps/3/channels/presence-a/users", "GET"},
          Case{"GET", "/apps/3/users/1/terminate_connections", "POST"}}) {
        const auto response = send(signed_request(app(), c.method, c.path));
        EXPECT_EQ(response.status, 405U) << c.method << " " << c.path;
        EXPECT_EQ(response.fields.get("Allow"), c.allow);
    }
    EXPECT_EQ(service_.calls, 0U);
}

TEST_F(RestApiTest, UnknownAppIs404) {
    auto other = app();
    other.id = "9";
    const auto response = send(signed_request(other, "GET", "/apps/9/channels"));
    EXPECT_EQ(response.status, 404U);
    EXPECT_NE(response.body.find("'9'"), std::string::npos);
}

TEST_F(RestApiTest, DisabledAppIs403OnlyOnceAuthenticated) {
    const auto off = apps_.by_id("4");
    EXPECT_EQ(send(signed_request(*off, "GET", "/apps/4/channels")).status, 403U);
    EXPECT_EQ(send(raw_request("GET", "/apps/4/channels")).status, 401U);
    EXPECT_EQ(service_.calls, 0U);
}

// §8.12 R1: the documented request line, byte for byte.
TEST_F(RestApiTest, AcceptsVectorR1Trigger) {
    const auto response = send(
            raw_request("POST",
                        "/apps/3/events?" + kAuth +
                                "&body_md5=ec365a775a4cd0599faeb73354201b6f&auth_signature="
                                "da454824c97ba181a32ccc17a72625ba02771f50b50e1e7430e47a1f3f457e6c",
                        R"({"name":"foo","channels":["project-3"],"data":"{\"some\":\"data\"}"})"));
    ASSERT_EQ(response.status, 200U) << response.body;
    EXPECT_EQ(response.body, "{}");
    EXPECT_EQ(content_type(response), "application/json");
    ASSERT_EQ(service_.published.size(), 1U);
    EXPECT_EQ(service_.published[0].channel, "project-3");
    EXPECT_EQ(service_.published[0].event, "foo");
    EXPECT_EQ(service_.published[0].data, R"({"some":"data"})");
    EXPECT_FALSE(service_.published[0].exclude);
    EXPECT_EQ(service_.apps_seen, std::vector<std::string>{"3"});
}

TEST_F(RestApiTest, AcceptsVectorR2ListPresenceChannels) {
    service_.summaries = {{"presence-foobar", 3}, {"public", 0}};
    const auto response = send(raw_request(
            "GET", "/apps/3/channels?" + kAuth +
                           "&filter_by_prefix=presence-&info=user_count&auth_signature="
                           "16819168891cb5dfd72b5c7a5d3d602605b26c6ba1930033b5e2eeeb65010291"));
    ASSERT_EQ(response.status, 200U) << response.body;
    EXPECT_EQ(response.body, R"({"channels":{"presence-foobar":{"user_count":3}}})");
    EXPECT_EQ(service_.prefixes, std::vector<std::string>{"presence-"});
}

TEST_F(RestApiTest, AcceptsVectorR3ChannelInfo) {
    service_.states["presence-foobar"] = ChannelState{true, 5, 3, std::nullopt};
    const auto response = send(raw_request(
            "GET", "/apps/3/channels/presence-foobar?" + kAuth +
                           "&info=user_count,subscription_count&auth_signature="
                           "377ee9260ea002a70c0d40cd887d55cb36db9f7f821297f5efacbcce66be356d"));
    ASSERT_EQ(response.status, 200U) << response.body;
    EXPECT_EQ(response.body, R"({"occupied":true,"user_count":3,"subscription_count":5})");
}

TEST_F(RestApiTest, AcceptsVectorR4PresenceUsers) {
    service_.members["presence-foobar"] = {"10", "27"};
    const auto response = send(raw_request(
            "GET", "/apps/3/channels/presence-foobar/users?" + kAuth +
                           "&auth_signature="
                           "5567dd30e7f8575e66be615d2aac3f608a0c311c31ddab8513a278b022e9597e"));
    ASSERT_EQ(response.status, 200U) << response.body;
    EXPECT_EQ(response.body, R"({"users":[{"id":"10"},{"id":"27"}]})");
}

// §8.12 R5, §14 D24: the Python SDK's MD5 of the empty body on a GET.
TEST_F(RestApiTest, AcceptsVectorR5EmptyBodyMd5) {
    const auto response = send(raw_request(
            "GET", "/apps/3/channels?" + kAuth +
                           "&body_md5=d41d8cd98f00b204e9800998ecf8427e&auth_signature="
                           "5c3cd75022c4f62c35ad22f6a9cce366c860477a3b7092ca790ecfc17e6af302"));
    ASSERT_EQ(response.status, 200U) << response.body;
    EXPECT_EQ(response.body, R"({"channels":{}})");
}

TEST_F(RestApiTest, AcceptsVectorR6Batch) {
    service_.states["presence-foobar"] = ChannelState{true, 5, 3, std::nullopt};
    const auto response = send(raw_request(
            "POST",
            "/apps/3/batch_events?" + kAuth +
                    "&body_md5=9c47551709c538c878c1eebddf3ec810&auth_signature="
                    "5d04a519354119f80892b7f7a07581bba4181d0f0ea7dfdc6bff76a28ffcd438",
            R"({"batch":[{"channel":"my-channel-1","name":"my-event-1","data":"{\"hello\":\"world\"}"},{"channel":"presence-foobar","name":"my-event-2","data":"{\"myname\":\"bob\"}","info":"user_count"}]})"));
    ASSERT_EQ(response.status, 200U) << response.body;
    EXPECT_EQ(response.body, R"({"batch":[{},{"user_count":3}]})");
    ASSERT_EQ(service_.published.size(), 2U);
    EXPECT_EQ(service_.published[0].channel, "my-channel-1");
    EXPECT_EQ(service_.published[1].event, "my-event-2");
}

TEST_F(RestApiTest, AcceptsVectorR7Terminate) {
    const auto response = send(
            raw_request("POST",
                        "/apps/3/users/12345/terminate_connections?" + kAuth +
                                "&body_md5=99914b932bd37a50b983c5e7c90ae93b&auth_signature="
                                "01fa634edeb0cae84115307cad5c23f65a46cd286461b1c89637a3b5871a8f0e",
                        "{}"));
    ASSERT_EQ(response.status, 200U) << response.body;
    EXPECT_EQ(response.body, "{}");
    EXPECT_EQ(service_.terminated, std::vector<std::string>{"12345"});
}

// §8.12 R8, §8.10: sending to a user is a trigger on its #server-to-user- channel.
TEST_F(RestApiTest, AcceptsVectorR8SendToUser) {
    const auto response = send(raw_request(
            "POST",
            "/apps/3/events?" + kAuth +
                    "&body_md5=d1f508b1452ae8c6c1276aadbb22069a&auth_signature="
                    "d3e77dce7027ed0d9915c6e1a032edbac88be792ffd377c2247a497ab8cda3bc",
            R"({"name":"my-event","data":"{\"message\":\"hello world\"}","channels":["#server-to-user-12345"]})"));
    ASSERT_EQ(response.status, 200U) << response.body;
    ASSERT_EQ(service_.published.size(), 1U);
    EXPECT_EQ(service_.published[0].channel, "#server-to-user-12345");
}

TEST_F(RestApiTest, ChannelNamesInThePathArePercentDecoded) {
    service_.states["presence-a@b"] = ChannelState{true, 1, 1, std::nullopt};
    const auto response = send(signed_request(app(), "GET", "/apps/3/channels/presence-a%40b", {},
                                              {}, kNow, "/apps/3/channels/presence-a@b"));
    ASSERT_EQ(response.status, 200U) << response.body;
    EXPECT_EQ(service_.asked, std::vector<std::string>{"presence-a@b"});
}

}  // namespace
}  // namespace herald::server::rest_testing
