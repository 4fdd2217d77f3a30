#include "herald/pusher/server_message_reader.h"

#include <string>

#include <gtest/gtest.h>

#include "herald/pusher/server_message.h"

namespace herald::pusher {
namespace {

ServerMessage parsed(std::string_view text) {
    auto result = parse_server_message(text);
    EXPECT_TRUE(result) << text;
    return result ? *result : ServerMessage{};
}

TEST(ServerMessageReader, ReadsTheEnvelopeInBothDataForms) {
    const auto string = parsed(R"({"event":"e","channel":"c","data":"{\"a\":1}"})");
    EXPECT_EQ(string.event, "e");
    EXPECT_EQ(string.channel, "c");
    EXPECT_EQ(string.data, EventData::string(R"({"a":1})"));
    const auto object = parsed(R"({"event":"client-x","channel":"presence-r","data":{ "a" : 1 },
                                   "user_id":"7"})");
    EXPECT_EQ(object.data, EventData::json(R"({"a":1})"));
    EXPECT_EQ(object.user_id, "7");
    EXPECT_EQ(data_text(object.data), R"({"a":1})");
    const auto bare = parsed(R"({"event":"pusher:pong"})");
    EXPECT_EQ(bare.data.kind, EventData::Kind::Absent);
    EXPECT_FALSE(bare.channel);
}

TEST(ServerMessageReader, RefusesWhatIsNotAMessage) {
    EXPECT_EQ(parse_server_message("").error().fault, MessageFault::NotJson);
    EXPECT_EQ(parse_server_message("nope").error().fault, MessageFault::NotJson);
    EXPECT_EQ(parse_server_message("[1]").error().fault, MessageFault::NotAnObject);
    EXPECT_EQ(parse_server_message("{}").error().fault, MessageFault::MissingEvent);
    EXPECT_EQ(parse_server_message(R"({"event":1})").error().fault, MessageFault::WrongType);
    EXPECT_EQ(parse_server_message(R"({"event":"e","channel":2})").error().field, "channel");
}

TEST(ServerMessageReader, ConnectionEstablishedFromTheServersOwnWriter) {
    const auto message = parsed(connection_established("12.34", std::chrono::seconds{120}));
    EXPECT_EQ(read_connection_established(message.data),
              (ConnectionEstablished{"12.34", std::chrono::seconds{120}}));
    // An object works too; a zero or missing timeout and a bad socket id do not (§2.4, §2.5).
    EXPECT_TRUE(read_connection_established(
            EventData::json(R"({"socket_id":"1.2","activity_timeout":30})")));
    EXPECT_FALSE(read_connection_established(
            EventData::json(R"({"socket_id":"1.2","activity_timeout":0})")));
    EXPECT_FALSE(read_connection_established(EventData::json(R"({"socket_id":"1.2"})")));
    EXPECT_FALSE(read_connection_established(
            EventData::json(R"({"socket_id":"x","activity_timeout":30})")));
    EXPECT_FALSE(read_connection_established({}));
}

TEST(ServerMessageReader, AHugeActivityTimeoutIsCappedNotOverflowed) {
    // Found by fuzz_client_server_messages: a number past int64 was cast out of range.
    const auto capped = read_connection_established(
            EventData::json(R"({"socket_id":"1.2","activity_timeout":12033333333333333333})"));
    ASSERT_TRUE(capped);
    EXPECT_EQ(capped->activity_timeout, kMaxActivityTimeout);
    EXPECT_EQ(read_connection_established(
                      EventData::json(R"({"socket_id":"1.2","activity_timeout":1e300})"))
                      ->activity_timeout,
              kMaxActivityTimeout);
    EXPECT_EQ(read_connection_established(
                      EventData::json(R"({"socket_id":"1.2","activity_timeout":30.7})"))
                      ->activity_timeout,
              std::chrono::seconds{30});
    EXPECT_FALSE(read_connection_established(
            EventData::json(R"({"socket_id":"1.2","activity_timeout":-1e300})")));
    EXPECT_FALSE(read_connection_established(
            EventData::json(R"({"socket_id":"1.2","activity_timeout":0.5})")));
}

TEST(ServerMessageReader, ServerErrorWithAndWithoutCode) {
    const auto coded = parsed(pusher_error(ErrorCode::ApplicationDoesNotExist, "no app"));
    EXPECT_EQ(read_server_error(coded.data), (ServerError{4001, "no app"}));
    const auto uncoded = parsed(pusher_error(ErrorCode::NoCode, "oops"));
    EXPECT_EQ(read_server_error(uncoded.data), (ServerError{std::nullopt, "oops"}));
    EXPECT_EQ(read_server_error(EventData::string("plain text")).message, "plain text");
}

TEST(ServerMessageReader, PresenceRosterAndMembers) {
    const std::vector<Member> roster{{"1", R"({"name":"Ann"})"}, {"2", "{}"}};
    const auto message = parsed(presence_subscription_succeeded("presence-r", roster));
    EXPECT_EQ(read_presence_roster(message.data), roster);
    EXPECT_FALSE(read_presence_roster(parsed(subscription_succeeded("private-a")).data));
    const auto added = parsed(member_added("presence-r", Member{"3", R"({"x":true})"}));
    EXPECT_EQ(read_member(added.data), (Member{"3", R"({"x":true})"}));
    const auto removed = parsed(member_removed("presence-r", "3"));
    EXPECT_EQ(read_member(removed.data), (Member{"3", "{}"}));
    EXPECT_FALSE(read_member(EventData::string("{}")));
}

TEST(ServerMessageReader, Authorization) {
    EXPECT_EQ(read_authorization(R"({"auth":"k:s"})"),
              (Authorization{"k:s", std::nullopt, std::nullopt}));
    EXPECT_EQ(read_authorization(R"({"auth":"k:s","channel_data":"{\"user_id\":\"1\"}"})"),
              (Authorization{"k:s", R"({"user_id":"1"})", std::nullopt}));
    EXPECT_EQ(read_authorization(R"({"auth":"k:s","shared_secret":"c2VjcmV0"})"),
              (Authorization{"k:s", std::nullopt, "c2VjcmV0"}));
    EXPECT_FALSE(read_authorization(R"({"channel_data":"x"})"));
    EXPECT_FALSE(read_authorization("not json"));
}

TEST(ServerMessageReader, UserAuthenticationAndSignin) {
    EXPECT_EQ(read_user_authentication(R"({"auth":"k:s","user_data":"{\"id\":\"7\"}"})"),
              (UserAuthentication{"k:s", R"({"id":"7"})"}));
    EXPECT_FALSE(read_user_authentication(R"({"auth":"k:s"})"));
    EXPECT_FALSE(read_user_authentication(R"({"auth":"k:s","user_data":{"id":"7"}})"));
    EXPECT_FALSE(read_user_authentication("[]"));

    const auto success = parsed(signin_success(R"({"id":"12345"})"));
    EXPECT_EQ(read_signin_success(success.data), R"({"id":"12345"})");
    EXPECT_FALSE(read_signin_success(EventData::json("{}")));
    EXPECT_EQ(read_user_id(R"({"id":"12345","user_info":{}})"), "12345");
    EXPECT_FALSE(read_user_id(R"({"id":""})"));
    EXPECT_FALSE(read_user_id(R"({"id":12345})"));
    EXPECT_FALSE(read_user_id("not json"));
}

TEST(ServerMessageReader, WatchlistEvents) {
    const std::vector<WatchlistEvent> events{{WatchlistStatus::Online, {"1", "2"}},
                                             {WatchlistStatus::Offline, {"3"}}};
    const auto message = parsed(watchlist_events(events));
    EXPECT_EQ(
            read_watchlist_events(message.data),
            (std::vector<WatchlistNotice>{{"online", R"({"name":"online","user_ids":["1","2"]})"},
                                          {"offline", R"({"name":"offline","user_ids":["3"]})"}}));
    EXPECT_TRUE(read_watchlist_events(EventData::json(R"({"events":[1,{"x":1}]})")).empty());
    EXPECT_TRUE(read_watchlist_events(EventData::string("nonsense")).empty());
}

}  // namespace
}  // namespace herald::pusher
