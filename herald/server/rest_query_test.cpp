// The REST API's queries and commands (protocol.md §8.6-§8.9): channel listings, one channel's
// info, presence users and terminating a user's connections.
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "herald/server/rest_api.h"
#include "herald/server/rest_fixture.h"

namespace herald::server::rest_testing {
namespace {

class RestQuery : public RestFixture {
protected:
    RestQuery() {
        service_.summaries = {{"#server-to-user-1", 0, 1},
                              {"presence-lobby", 57, 0},
                              {"presence-room-7", 3, 5},
                              {"private-orders", 0, 2}};
        service_.states["presence-room-7"] = ChannelState{true, 5, 3, std::nullopt};
        service_.states["private-orders"] = ChannelState{true, 2, 0, std::nullopt};
    }
};

TEST_F(RestQuery, ListsOccupiedChannelsAsAnObject) {
    const auto response = get("/apps/3/channels");
    ASSERT_EQ(response.status, 200U) << response.body;
    EXPECT_EQ(content_type(response), "application/json");
    // §4.12: a user's delivery channel is not listed.
    EXPECT_EQ(response.body,
              R"({"channels":{"presence-lobby":{},"presence-room-7":{},"private-orders":{}}})");
    EXPECT_EQ(service_.prefixes, std::vector<std::string>{""});
}

TEST_F(RestQuery, ListsAnEmptyObjectWhenNothingMatches) {
    const auto response = get("/apps/3/channels", {{"filter_by_prefix", "cache-"}});
    EXPECT_EQ(response.body, R"({"channels":{}})");
    EXPECT_EQ(service_.prefixes, std::vector<std::string>{"cache-"});
}

TEST_F(RestQuery, ListsUserCountsOnlyForAPresencePrefix) {
    const auto ok = get("/apps/3/channels",
                        {{"filter_by_prefix", "presence-room"}, {"info", "user_count"}});
    EXPECT_EQ(ok.body, R"({"channels":{"presence-room-7":{"user_count":3}}})");
    for (const auto* prefix : {"", "private-", "presenc"}) {
        const auto refused =
                get("/apps/3/channels", {{"filter_by_prefix", prefix}, {"info", "user_count"}});
        EXPECT_EQ(refused.status, 400U) << prefix;
        EXPECT_NE(refused.body.find("filter_by_prefix"), std::string::npos) << refused.body;
    }
    EXPECT_EQ(service_.prefixes.size(), 1U);
}

TEST_F(RestQuery, ListsSubscriptionCountsWhenAsked) {
    const auto response =
            get("/apps/3/channels", {{"filter_by_prefix", "pr"}, {"info", "subscription_count"}});
    EXPECT_EQ(response.body, R"({"channels":{"presence-lobby":{"subscription_count":0},)"
                             R"("presence-room-7":{"subscription_count":5},)"
                             R"("private-orders":{"subscription_count":2}}})");
}

TEST_F(RestQuery, ChannelInfoAlwaysSaysWhetherOccupied) {
    EXPECT_EQ(get("/apps/3/channels/private-orders").body, R"({"occupied":true})");
    EXPECT_EQ(get("/apps/3/channels/nobody-here").body, R"({"occupied":false})");
    EXPECT_EQ(get("/apps/3/channels/nobody-here", {{"info", "subscription_count"}}).body,
              R"({"occupied":false,"subscription_count":0})");
}

TEST_F(RestQuery, ChannelInfoRefusesUserCountOutsidePresence) {
    const auto response = get("/apps/3/channels/private-orders", {{"info", "user_count"}});
    EXPECT_EQ(response.status, 400U);
    EXPECT_NE(response.body.find("'private-orders' is a private channel"), std::string::npos)
            << response.body;
    EXPECT_EQ(get("/apps/3/channels/presence-room-7", {{"info", "user_count,cache,bogus"}}).body,
              R"({"occupied":true,"user_count":3})");
}

TEST_F(RestQuery, ChannelInfoReportsTheCachedEvent) {
    ChannelState state{true, 1, 0, CachedEvent{"moved", R"({"lat":51.5})"}};
    state.cache_ttl_seconds = 1742;
    service_.states["cache-location"] = state;
    service_.states["private-orders"].cache = CachedEvent{"x", "y"};
    EXPECT_EQ(get("/apps/3/channels/cache-location", {{"info", "cache"}}).body,
              R"({"occupied":true,"cache":{"event":"moved","data":"{\"lat\":51.5}","ttl":1742}})");
    EXPECT_EQ(get("/apps/3/channels/cache-location").body, R"({"occupied":true})");
    // Only cache channels have a cache.
    EXPECT_EQ(get("/apps/3/channels/private-orders", {{"info", "cache"}}).body,
              R"({"occupied":true})");
    EXPECT_EQ(get("/apps/3/channels/cache-empty", {{"info", "cache"}}).body,
              R"({"occupied":false})");
}

TEST_F(RestQuery, ChannelInfoChecksTheNameAtTheLengthLimit) {
    const std::string longest(pusher::kMaxChannelNameLength, 'a');
    EXPECT_EQ(get("/apps/3/channels/" + longest).status, 200U);
    const auto response = get("/apps/3/channels/" + longest + "a");
    EXPECT_EQ(response.status, 400U);
    EXPECT_NE(response.body.find("Invalid channel name"), std::string::npos);
    EXPECT_EQ(get("/apps/3/channels/a%20b", {}).status, 401U);  // signed over the decoded path
    EXPECT_EQ(send(signed_request(app(), "GET", "/apps/3/channels/a%20b", {}, {}, kNow,
                                  "/apps/3/channels/a b"))
                      .status,
              400U);
    EXPECT_EQ(service_.asked, std::vector<std::string>{longest});
}

TEST_F(RestQuery, ListsPresenceUsers) {
    service_.members["presence-room-7"] = {"1", "two"};
    EXPECT_EQ(get("/apps/3/channels/presence-room-7/users").body,
              R"({"users":[{"id":"1"},{"id":"two"}]})");
    EXPECT_EQ(get("/apps/3/channels/presence-empty/users").body, R"({"users":[]})");
    EXPECT_EQ(get("/apps/3/channels/presence-cache-x/users").status, 200U);
}

TEST_F(RestQuery, RefusesUsersOfOtherChannelKinds) {
    for (const auto* channel : {"public", "private-a", "private-encrypted-a", "cache-a"}) {
        const auto response = get("/apps/3/channels/" + std::string(channel) + "/users");
        EXPECT_EQ(response.status, 400U) << channel;
        EXPECT_NE(response.body.find("presence"), std::string::npos) << response.body;
    }
    EXPECT_EQ(service_.calls, 0U);
}

TEST_F(RestQuery, TerminatesAUsersConnections) {
    EXPECT_EQ(post("/apps/3/users/user%201/terminate_connections", "{}").status, 401U);
    const auto response =
            send(signed_request(app(), "POST", "/apps/3/users/user%201/terminate_connections", {},
                                "{}", kNow, "/apps/3/users/user 1/terminate_connections"));
    EXPECT_EQ(response.status, 200U) << response.body;
    EXPECT_EQ(response.body, "{}");
    EXPECT_EQ(post("/apps/3/users/7/terminate_connections", "").status, 200U);
    EXPECT_EQ(service_.terminated, (std::vector<std::string>{"user 1", "7"}));
}

TEST_F(RestQuery, TerminateRefusesABadBodyOrAnEmptyUser) {
    EXPECT_EQ(post("/apps/3/users/7/terminate_connections", "[]").status, 400U);
    EXPECT_EQ(post("/apps/3/users/7/terminate_connections", "{").status, 400U);
    const auto empty = post("/apps/3/users//terminate_connections", "{}");
    EXPECT_EQ(empty.status, 400U);
    EXPECT_NE(empty.body.find("user id"), std::string::npos);
    EXPECT_TRUE(service_.terminated.empty());
}

// A Deferral whose Responder records the answer, for an API that runs listings through a queue
// the test empties (or refuses).
class RecordingDeferral final : public web::Deferral {
public:
    struct Answers final : web::Responder::Target {
        void answer(http::Response response) override { got.push_back(std::move(response)); }

        std::vector<http::Response> got;
    };

    web::Responder defer() override {
        ++deferred;
        return web::Responder(answers);
    }

    std::shared_ptr<Answers> answers = std::make_shared<Answers>();
    int deferred = 0;
};

class RestQueryOffLoop : public RestQuery {
protected:
    std::optional<http::Response> handle_deferred(const http::Request& request) {
        return off_loop_api_.handle(request, later_);
    }

    std::vector<std::function<void()>> jobs_;
    bool refuse_ = false;
    RecordingDeferral later_;
    RestApi off_loop_api_{apps_, service_, queued_options()};

private:
    RestOptions queued_options() {
        RestOptions options;
        options.now_seconds = [this] {
            return now_;
        };
        options.off_loop = [this](std::function<void()> job) {
            if (refuse_) {
                return false;
            }
            jobs_.push_back(std::move(job));
            return true;
        };
        return options;
    }
};

TEST_F(RestQueryOffLoop, AChannelListingIsBuiltByTheOffLoopJob) {
    const auto request =
            signed_request(app(), "GET", "/apps/3/channels", {{"info", "subscription_count"}});
    EXPECT_FALSE(handle_deferred(request)) << "no answer on the calling thread";
    EXPECT_TRUE(service_.prefixes.empty()) << "nothing read before the job runs";
    ASSERT_EQ(jobs_.size(), 1U);
    ASSERT_EQ(later_.deferred, 1);
    jobs_.front()();
    ASSERT_EQ(later_.answers->got.size(), 1U);
    EXPECT_EQ(later_.answers->got[0].status, 200U);
    EXPECT_EQ(later_.answers->got[0].body, api_.handle(request).body) << "the same answer";
}

TEST_F(RestQueryOffLoop, OtherRequestsAndRefusedListingsAreAnsweredAtOnce) {
    const auto info =
            handle_deferred(signed_request(app(), "GET", "/apps/3/channels/private-orders"));
    ASSERT_TRUE(info);
    EXPECT_EQ(info->status, 200U);
    const auto bad = handle_deferred(
            signed_request(app(), "GET", "/apps/3/channels", {{"info", "user_count"}}));
    ASSERT_TRUE(bad) << "a refused query is answered before any work is queued";
    EXPECT_EQ(bad->status, 400U);
    EXPECT_EQ(later_.deferred, 0);
    refuse_ = true;
    EXPECT_FALSE(handle_deferred(signed_request(app(), "GET", "/apps/3/channels")));
    EXPECT_TRUE(jobs_.empty());
    // The refused job dropped its Responder; the connection's side answers 503 then (web tests).
    EXPECT_EQ(later_.deferred, 1);
    EXPECT_TRUE(later_.answers->got.empty());
}

}  // namespace
}  // namespace herald::server::rest_testing
