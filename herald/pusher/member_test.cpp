#include "herald/pusher/member.h"

#include <string>

#include <gtest/gtest.h>

namespace herald::pusher {
namespace {

Member member_of(std::string_view channel_data, const MemberLimits& limits = {}) {
    const MemberResult result = parse_channel_data(channel_data, limits);
    EXPECT_TRUE(result) << channel_data << ": " << describe(result.error());
    return result.value_or(Member{});
}

MemberFault member_fault(std::string_view channel_data, const MemberLimits& limits = {}) {
    const MemberResult result = parse_channel_data(channel_data, limits);
    EXPECT_FALSE(result) << channel_data;
    return result.error();
}

TEST(ChannelData, ReadsTheProtocolExamples) {
    EXPECT_EQ(member_of(R"({"user_id":10,"user_info":{"name":"Mr. Pusher"}})"),
              (Member{"10", R"({"name":"Mr. Pusher"})"}));
    EXPECT_EQ(member_of(R"({"user_id":"10","user_info":{"name":"Mr. Channels"}})"),
              (Member{"10", R"({"name":"Mr. Channels"})"}));
}

TEST(ChannelData, ARepeatedKeyMeansItsLastValueAsInJavaScript) {
    EXPECT_EQ(member_of(R"({"user_id":"1","user_info":{"a":1},"user_id":"2","user_info":{"b":2}})"),
              (Member{"2", R"({"b":2})"}));
}

TEST(ChannelData, NormalisesIntegerIdsToDecimalText) {
    EXPECT_EQ(member_of(R"({"user_id":0})").user_id, "0");
    EXPECT_EQ(member_of(R"({"user_id":-5})").user_id, "-5");
    EXPECT_EQ(member_of(R"({"user_id":9223372036854775807})").user_id, "9223372036854775807");
    EXPECT_EQ(member_of(R"({"user_id":18446744073709551615})").user_id, "18446744073709551615");
}

TEST(ChannelData, MissingOrNullUserInfoBecomesAnEmptyObject) {
    EXPECT_EQ(member_of(R"({"user_id":"a"})").user_info, "{}");
    EXPECT_EQ(member_of(R"({"user_id":"a","user_info":null})").user_info, "{}");
    EXPECT_EQ(member_of(R"({"user_id":"a","user_info":"text"})").user_info, R"("text")");
    EXPECT_EQ(member_of(R"( { "user_info" : { "a" : [ 1 , 2 ] } , "user_id" : "a" } )").user_info,
              R"({"a":[1,2]})");
}

TEST(ChannelData, RejectsTextThatIsNotAnObjectWithAUserId) {
    EXPECT_EQ(member_fault(""), MemberFault::NotJson);
    EXPECT_EQ(member_fault(std::string_view{}), MemberFault::NotJson);
    EXPECT_EQ(parse_user_data(std::string_view{}).error(), UserFault::NotJson);
    EXPECT_EQ(member_fault("{"), MemberFault::NotJson);
    EXPECT_EQ(member_fault(R"(["user_id"])"), MemberFault::NotAnObject);
    EXPECT_EQ(member_fault(R"("x")"), MemberFault::NotAnObject);
    EXPECT_EQ(member_fault(R"({"user_info":{}})"), MemberFault::MissingUserId);
}

TEST(ChannelData, RejectsUserIdsThatAreNotNonEmptyStringsOrIntegers) {
    for (const char* id : {R"("")", "{}", "[]", "true", "false", "null", "1.5", "1e3"}) {
        EXPECT_EQ(member_fault(std::string(R"({"user_id":)") + id + "}"), MemberFault::BadUserId)
                << id;
    }
}

TEST(ChannelData, UserIdLengthLimitIsInclusive) {
    const std::string longest(kMaxUserIdLength, 'u');
    EXPECT_EQ(member_of(R"({"user_id":")" + longest + "\"}").user_id, longest);
    EXPECT_EQ(member_fault(R"({"user_id":")" + longest + "u\"}"), MemberFault::UserIdTooLong);
    EXPECT_EQ(member_fault(R"({"user_id":123})", MemberLimits{2, kMaxUserInfoBytes}),
              MemberFault::UserIdTooLong);
}

TEST(ChannelData, UserInfoLimitIsOnCompactJsonAndInclusive) {
    // {"n":"..."} is 8 bytes plus the string.
    const std::string fits(kMaxUserInfoBytes - 8, 'x');
    const auto info = [](const std::string& s) {
        return R"({"user_id":"a","user_info":{ "n" : ")" + s + "\" }}";
    };
    EXPECT_EQ(member_of(info(fits)).user_info.size(), kMaxUserInfoBytes);
    EXPECT_EQ(member_fault(info(fits + "x")), MemberFault::UserInfoTooLarge);
    EXPECT_EQ(member_fault(R"({"user_id":"a","user_info":[1]})", MemberLimits{128, 2}),
              MemberFault::UserInfoTooLarge);
}

TEST(ChannelData, FaultsHaveDescriptions) {
    for (const auto f :
         {MemberFault::NotJson, MemberFault::NotAnObject, MemberFault::MissingUserId,
          MemberFault::BadUserId, MemberFault::UserIdTooLong, MemberFault::UserInfoTooLarge}) {
        EXPECT_FALSE(describe(f).empty());
    }
}

TEST(UserData, ReadsIdInfoAndWatchlist) {
    const UserResult plain = parse_user_data(R"({"id":"12345"})");
    ASSERT_TRUE(plain);
    EXPECT_EQ(*plain, (User{"12345", "{}", {}, false}));
    const UserResult full = parse_user_data(
            R"({"id":"12345","user_info":{"name":"Mr. Channels"},"watchlist":["67890","13579"],"app":1})");
    ASSERT_TRUE(full);
    EXPECT_EQ(*full, (User{"12345", R"({"name":"Mr. Channels"})", {"67890", "13579"}, false}));
}

TEST(UserData, RequiresANonEmptyStringId) {
    EXPECT_EQ(parse_user_data("nope").error(), UserFault::NotJson);
    EXPECT_EQ(parse_user_data("[]").error(), UserFault::NotAnObject);
    EXPECT_EQ(parse_user_data(R"({"user_id":"1"})").error(), UserFault::MissingId);
    for (const char* id : {R"("")", "1", "null", "{}", "true"}) {
        const UserResult result = parse_user_data(std::string(R"({"id":)") + id + "}");
        EXPECT_FALSE(result) << id;
        EXPECT_EQ(result.error(), UserFault::BadId) << id;
    }
}

TEST(UserData, WatchlistMustBeStrings) {
    EXPECT_EQ(parse_user_data(R"({"id":"1","watchlist":"2"})").error(), UserFault::BadWatchlist);
    EXPECT_EQ(parse_user_data(R"({"id":"1","watchlist":["2",3]})").error(),
              UserFault::BadWatchlist);
    EXPECT_TRUE(parse_user_data(R"({"id":"1","watchlist":null})"));
    EXPECT_TRUE(parse_user_data(R"({"id":"1","watchlist":[]})"));
    EXPECT_FALSE(describe(UserFault::BadWatchlist).empty());
}

std::string watchlist_of(std::size_t n) {
    std::string text = R"({"id":"me","watchlist":[)";
    for (std::size_t i = 0; i < n; ++i) {
        text += (i ? ",\"" : "\"") + std::to_string(i) + "\"";
    }
    return text + "]}";
}

TEST(UserData, WatchlistLimitKeepsTheFirstIdsAndFlagsTheRest) {
    const UserResult at_limit = parse_user_data(watchlist_of(kMaxWatchlistSize));
    ASSERT_TRUE(at_limit);
    EXPECT_EQ(at_limit->watchlist.size(), kMaxWatchlistSize);
    EXPECT_FALSE(at_limit->watchlist_truncated);
    const UserResult over = parse_user_data(watchlist_of(kMaxWatchlistSize + 1));
    ASSERT_TRUE(over);
    EXPECT_EQ(over->watchlist.size(), kMaxWatchlistSize);
    EXPECT_EQ(over->watchlist.back(), std::to_string(kMaxWatchlistSize - 1));
    EXPECT_TRUE(over->watchlist_truncated);
    EXPECT_TRUE(parse_user_data(watchlist_of(3), 2)->watchlist_truncated);
}

}  // namespace
}  // namespace herald::pusher
