#include "herald/pusher/server_message.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "herald/pusher/limits.h"

namespace herald::pusher {
namespace {

// Reads a server message back with the client-message parser (any event parses as OtherEvent),
// proving the text is one JSON object, and returns its data.
EventData data_of(const std::string& wire) {
    const ParseResult result = parse_client_message(wire);
    EXPECT_TRUE(result) << wire;
    const auto* other = result ? std::get_if<OtherEvent>(&*result) : nullptr;
    return other ? other->data : EventData{};
}

TEST(ServerMessage, ConnectionEstablishedCarriesAStringOfJson) {
    const std::string wire = connection_established("123.456", kActivityTimeout);
    EXPECT_EQ(
            wire,
            R"({"event":"pusher:connection_established","data":"{\"socket_id\":\"123.456\",\"activity_timeout\":120}"})");
    EXPECT_EQ(data_of(wire),
              EventData::string(R"({"socket_id":"123.456","activity_timeout":120})"));
    EXPECT_EQ(
            connection_established("1.2", std::chrono::seconds{30}),
            R"({"event":"pusher:connection_established","data":"{\"socket_id\":\"1.2\",\"activity_timeout\":30}"})");
}

TEST(ServerMessage, PingAndPongCarryAnEmptyObject) {
    EXPECT_EQ(ping(), R"({"event":"pusher:ping","data":{}})");
    EXPECT_EQ(pong(), R"({"event":"pusher:pong","data":{}})");
}

TEST(ServerMessage, SubscriptionSucceededCarriesTheStringOfAnEmptyObject) {
    EXPECT_EQ(
            subscription_succeeded("private-orders.42"),
            R"({"event":"pusher_internal:subscription_succeeded","channel":"private-orders.42","data":"{}"})");
}

TEST(ServerMessage, PresenceRosterMatchesTheProtocolExample) {
    const std::vector<Member> members = {{"10", R"({"name":"Ann"})"}, {"27", R"({"name":"Bob"})"}};
    EXPECT_EQ(
            presence_subscription_succeeded("presence-room-7", members),
            R"({"event":"pusher_internal:subscription_succeeded","channel":"presence-room-7",)"
            R"("data":"{\"presence\":{\"ids\":[\"10\",\"27\"],\"hash\":{\"10\":{\"name\":\"Ann\"},\"27\":{\"name\":\"Bob\"}},\"count\":2}}"})");
}

TEST(ServerMessage, PresenceRosterMatchesTheExampleSession) {
    const std::vector<Member> members = {{"10", R"({"name":"Mr. Pusher"})"}};
    EXPECT_EQ(
            presence_subscription_succeeded("presence-foobar", members),
            R"({"event":"pusher_internal:subscription_succeeded","channel":"presence-foobar","data":"{\"presence\":{\"ids\":[\"10\"],\"hash\":{\"10\":{\"name\":\"Mr. Pusher\"}},\"count\":1}}"})");
}

TEST(ServerMessage, PresenceRosterListsEachUserOnceAndDefaultsInfo) {
    const std::vector<Member> members = {{"a", R"({"tab":1})"}, {"b", ""}, {"a", R"({"tab":2})"}};
    const EventData data = data_of(presence_subscription_succeeded("presence-x", members));
    EXPECT_EQ(data,
              EventData::string(
                      R"({"presence":{"ids":["a","b"],"hash":{"a":{"tab":1},"b":{}},"count":2}})"));
    EXPECT_EQ(data_of(presence_subscription_succeeded("presence-x", {})),
              EventData::string(R"({"presence":{"ids":[],"hash":{},"count":0}})"));
}

TEST(ServerMessage, PresenceRosterEscapesAwkwardUserIds) {
    const std::vector<Member> members = {{"q\"u\\o\nte", "{}"}};
    const EventData data = data_of(presence_subscription_succeeded("presence-x", members));
    ASSERT_EQ(data.kind, EventData::Kind::String);
    const ParseResult inner = parse_client_message(R"({"event":"x","data":)" + data.text + "}");
    ASSERT_TRUE(inner);
    EXPECT_EQ(std::get<OtherEvent>(*inner).data.text,
              R"({"presence":{"ids":["q\"u\\o\nte"],"hash":{"q\"u\\o\nte":{}},"count":1}})");
}

TEST(ServerMessage, SubscriptionErrorCarriesAnObject) {
    EXPECT_EQ(
            subscription_error("private-orders.42", SubscriptionErrorType::AuthError,
                               "The connection is unauthorized.", 401),
            R"({"event":"pusher:subscription_error","channel":"private-orders.42","data":{"type":"AuthError","error":"The connection is unauthorized.","status":401}})");
    EXPECT_EQ(
            subscription_error("presence-x", SubscriptionErrorType::LimitReached, "full", 4100),
            R"({"event":"pusher:subscription_error","channel":"presence-x","data":{"type":"LimitReached","error":"full","status":4100}})");
    EXPECT_NE(subscription_error("x", SubscriptionErrorType::InvalidChannel, "e", 4009)
                      .find(R"("type":"InvalidChannel")"),
              std::string::npos);
    EXPECT_NE(subscription_error("x", SubscriptionErrorType::ServerError, "e", 500)
                      .find(R"("type":"ServerError")"),
              std::string::npos);
}

TEST(ServerMessage, MemberEventsCarryStrings) {
    EXPECT_EQ(
            member_added("presence-room-7", Member{"27", R"({"name":"Bob"})"}),
            R"({"event":"pusher_internal:member_added","channel":"presence-room-7","data":"{\"user_id\":\"27\",\"user_info\":{\"name\":\"Bob\"}}"})");
    EXPECT_EQ(
            member_added("presence-room-7", Member{"27", ""}),
            R"({"event":"pusher_internal:member_added","channel":"presence-room-7","data":"{\"user_id\":\"27\",\"user_info\":{}}"})");
    EXPECT_EQ(
            member_removed("presence-room-7", "27"),
            R"({"event":"pusher_internal:member_removed","channel":"presence-room-7","data":"{\"user_id\":\"27\"}"})");
}

TEST(ServerMessage, ErrorsCarryAnObjectWithCodeOrNull) {
    EXPECT_EQ(
            pusher_error(ErrorCode::ClientEventRateLimit,
                         describe(ErrorCode::ClientEventRateLimit)),
            R"({"event":"pusher:error","data":{"code":4301,"message":"Client event rejected due to rate limit"}})");
    EXPECT_EQ(
            pusher_error(ErrorCode::NoCode, "Existing subscription to private-orders.42"),
            R"({"event":"pusher:error","data":{"code":null,"message":"Existing subscription to private-orders.42"}})");
    EXPECT_EQ(
            pusher_error(ErrorCode::NoCode, "x", "private-chat"),
            R"({"event":"pusher:error","channel":"private-chat","data":{"code":null,"message":"x"}})");
    EXPECT_EQ(data_of(pusher_error(ErrorCode::ReconnectImmediately,
                                   "Server is shutting down, reconnect")),
              EventData::json(R"({"code":4200,"message":"Server is shutting down, reconnect"})"));
}

TEST(ServerMessage, SigninSuccessEchoesTheSignedString) {
    EXPECT_EQ(signin_success(R"({"id":"12345"})"),
              R"({"event":"pusher:signin_success","data":{"user_data":"{\"id\":\"12345\"}"}})");
}

TEST(ServerMessage, CacheMissHasNoData) {
    EXPECT_EQ(cache_miss("cache-location-123"),
              R"({"event":"pusher:cache_miss","channel":"cache-location-123"})");
}

TEST(ServerMessage, SubscriptionCountCarriesAnObject) {
    EXPECT_EQ(
            subscription_count("my-channel", 42),
            R"({"event":"pusher_internal:subscription_count","channel":"my-channel","data":{"subscription_count":42}})");
}

TEST(ServerMessage, WatchlistEventsUseThePusherJsFormat) {
    const std::vector<WatchlistEvent> events = {{WatchlistStatus::Online, {"67890"}},
                                                {WatchlistStatus::Offline, {"13579"}}};
    EXPECT_EQ(
            watchlist_events(events),
            R"({"event":"pusher_internal:watchlist_events","data":{"events":[{"name":"online","user_ids":["67890"]},{"name":"offline","user_ids":["13579"]}]}})");
    EXPECT_EQ(watchlist_events({}),
              R"({"event":"pusher_internal:watchlist_events","data":{"events":[]}})");
}

TEST(ServerMessage, RestEventsReembedThePublishersStringVerbatim) {
    EXPECT_EQ(
            channel_event("order-shipped", "private-orders.42",
                          EventData::string(R"({"id":42,"carrier":"DHL"})")),
            R"({"event":"order-shipped","channel":"private-orders.42","data":"{\"id\":42,\"carrier\":\"DHL\"}"})");
    EXPECT_EQ(channel_event("headline", "news", EventData::string(R"({"title":"Hi"})")),
              R"({"event":"headline","channel":"news","data":"{\"title\":\"Hi\"}"})");
    const std::string odd = "not json { \"\\\n\t\x01 \xC3\xA9";
    EXPECT_EQ(data_of(channel_event("e", "c", EventData::string(odd))), EventData::string(odd));
    EXPECT_EQ(channel_event("App\\Events\\X", "c", EventData{}),
              R"({"event":"App\\Events\\X","channel":"c"})");
}

TEST(ServerMessage, RelayedClientEventsKeepDataAndAddServerUserId) {
    EXPECT_EQ(
            channel_event("client-typing", "presence-room-7", EventData::json(R"({"typing":true})"),
                          "10"),
            R"({"event":"client-typing","channel":"presence-room-7","data":{"typing":true},"user_id":"10"})");
    EXPECT_EQ(channel_event("client-typing", "private-a", EventData::json(R"({"typing":true})")),
              R"({"event":"client-typing","channel":"private-a","data":{"typing":true}})");
}

TEST(ServerMessage, RelayingAParsedClientEventReproducesIt) {
    const ParseResult in = parse_client_message(
            R"({"event":"client-typing","channel":"presence-room-7","data":{"typing":true},"user_id":"forged"})");
    ASSERT_TRUE(in);
    const auto& event = std::get<ClientEvent>(*in);
    EXPECT_EQ(
            channel_event(event.event, event.channel, event.data, "10"),
            R"({"event":"client-typing","channel":"presence-room-7","data":{"typing":true},"user_id":"10"})");
}

}  // namespace
}  // namespace herald::pusher
