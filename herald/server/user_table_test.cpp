#include "herald/server/user_table.h"

#include <gtest/gtest.h>

namespace herald::server {
namespace {

ConnectionRef ref(int& tag, std::size_t worker = 0) {
    return ConnectionRef{worker, {}, &tag};
}

TEST(UserTable, ReportsTheFirstAndLastConnectionOfAUser) {
    UserTable users(1);
    int a = 0;
    int b = 0;
    EXPECT_TRUE(users.sign_in(0, "ann", ref(a), {}).first);
    EXPECT_FALSE(users.sign_in(0, "ann", ref(b), {}).first);
    EXPECT_EQ(users.connections(0, "ann").size(), 2U);
    EXPECT_FALSE(users.sign_out(0, "ann", &a, {}).last);
    EXPECT_TRUE(users.sign_out(0, "ann", &b, {}).last);
    EXPECT_TRUE(users.connections(0, "ann").empty());
}

TEST(UserTable, TellsWatchersAndGivesTheWatchlistSnapshot) {
    UserTable users(1);
    int watcher = 0;
    int bob = 0;
    users.sign_in(0, "carol", ref(bob), {});
    const auto in = users.sign_in(0, "ann", ref(watcher), {"bob", "carol"});
    EXPECT_EQ(in.online, std::vector<std::string>{"carol"});
    EXPECT_EQ(in.offline, std::vector<std::string>{"bob"});
    const auto bob_in = users.sign_in(0, "bob", ref(bob, 1), {});
    ASSERT_EQ(bob_in.watchers.size(), 1U);
    EXPECT_EQ(bob_in.watchers[0].id, &watcher);
    const auto bob_out = users.sign_out(0, "bob", &bob, {});
    EXPECT_TRUE(bob_out.last);
    EXPECT_EQ(bob_out.watchers.size(), 1U);
    users.sign_out(0, "ann", &watcher, {"bob", "carol"});
    EXPECT_TRUE(users.sign_in(0, "bob", ref(bob), {}).watchers.empty()) << "watcher left";
}

TEST(UserTable, KeepsAppsApart) {
    UserTable users(2);
    int a = 0;
    users.sign_in(0, "ann", ref(a), {});
    EXPECT_TRUE(users.connections(1, "ann").empty());
    EXPECT_TRUE(users.sign_in(1, "ann", ref(a), {}).first);
}

}  // namespace
}  // namespace herald::server
