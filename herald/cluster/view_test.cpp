// herald/cluster/view_test.cpp
#include "herald/cluster/view.h"

#include <gtest/gtest.h>

namespace herald::cluster {
namespace {

CountMessage count(std::string node, std::string channel, std::uint64_t n) {
    return CountMessage{node, node, 0, "app", std::move(channel), n, Transition::None};
}

MemberMessage member(std::string node, std::string user, bool present) {
    return MemberMessage{
            node, node, 0, "app", "presence-a", std::move(user), present, "{}", Transition::None,
            {}};
}

TEST(View, SumsTheNodesCountsAndForgetsZeros) {
    View view;
    view.apply(count("a", "c", 2));
    view.apply(count("b", "c", 3));
    view.apply(count("a", "c", 2));  // absolute: a repeat changes nothing
    EXPECT_EQ(view.subscriptions("app", "c"), 5U);
    view.apply(count("b", "c", 0));
    EXPECT_EQ(view.subscriptions("app", "c"), 2U);
    EXPECT_EQ(view.subscriptions("other", "c"), 0U);
}

TEST(View, OneUserOnTwoNodesIsOneMember) {
    View view;
    view.apply(member("a", "u1", true));
    view.apply(member("b", "u1", true));
    view.apply(member("b", "u2", true));
    EXPECT_EQ(view.members("app", "presence-a").size(), 2U);
    view.apply(member("a", "u1", false));
    EXPECT_EQ(view.members("app", "presence-a").size(), 2U);
    view.drop_node("b");
    EXPECT_TRUE(view.members("app", "presence-a").empty());
}

TEST(View, ListsOccupiedChannelsByPrefix) {
    View view;
    view.apply(count("a", "presence-a", 1));
    view.apply(member("a", "u1", true));
    view.apply(count("a", "private-b", 4));
    const auto presence = view.channels("app", "presence-");
    ASSERT_EQ(presence.size(), 1U);
    EXPECT_EQ(presence[0].name, "presence-a");
    EXPECT_EQ(presence[0].users, std::vector<std::string>{"u1"});
    EXPECT_EQ(view.channels("app", "").size(), 2U);
    view.clear();
    EXPECT_TRUE(view.channels("app", "").empty());
}

}  // namespace
}  // namespace herald::cluster
