#include "herald/client/channels.h"

#include <gtest/gtest.h>

namespace herald::client {
namespace {

TEST(Members, RosterAddRemoveAndMe) {
    Members members;
    members.reset({{"1", R"({"n":"a"})"}, {"2", "{}"}}, "1");
    EXPECT_EQ(members.me(), "1");
    EXPECT_EQ(members.count(), 2U);
    EXPECT_EQ(members.get("1"), R"({"n":"a"})");
    EXPECT_FALSE(members.get("3"));
    EXPECT_TRUE(members.add({"3", "{}"}));
    EXPECT_FALSE(members.add({"3", R"({"x":1})"}));  // a second connection of the same user
    EXPECT_EQ(members.count(), 3U);
    EXPECT_TRUE(members.remove("2"));
    EXPECT_FALSE(members.remove("2"));  // unknown ids are ignored
    EXPECT_EQ(members.all(),
              (std::vector<pusher::Member>{{"1", R"({"n":"a"})"}, {"3", R"({"x":1})"}}));
    members.clear();
    EXPECT_EQ(members.count(), 0U);
    EXPECT_EQ(members.me(), "");
}

TEST(ChannelBook, EveryChannelWaitsAgainAfterALostConnection) {
    ChannelBook book;
    EXPECT_TRUE(book.add("a"));
    EXPECT_FALSE(book.add("a"));
    EXPECT_TRUE(book.add("presence-b"));
    EXPECT_EQ(book.waiting(), (std::vector<std::string>{"a", "presence-b"}));
    book.find("a")->status = ChannelStatus::Subscribed;
    book.find("presence-b")->status = ChannelStatus::Pending;
    book.find("presence-b")->members.reset({{"1", "{}"}}, "1");
    EXPECT_TRUE(book.waiting().empty());
    book.connection_lost();
    EXPECT_EQ(book.waiting(), (std::vector<std::string>{"a", "presence-b"}));
    EXPECT_EQ(book.find("presence-b")->members.count(), 0U);
    EXPECT_EQ(book.remove("a")->status, ChannelStatus::Waiting);
    EXPECT_FALSE(book.remove("a"));
    EXPECT_EQ(book.names(), (std::vector<std::string>{"presence-b"}));
}

}  // namespace
}  // namespace herald::client
