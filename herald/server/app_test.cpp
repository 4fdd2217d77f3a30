// AppRegistry: lookups, and replace() as a reload uses it.
#include "herald/server/app.h"

#include <gtest/gtest.h>

namespace herald::server {
namespace {

App app(std::string id, std::string key, std::string secret = "secret") {
    App a;
    a.id = std::move(id);
    a.key = std::move(key);
    a.secret = std::move(secret);
    return a;
}

TEST(AppRegistry, LooksAppsUpByKeyAndIdInTheirSlots) {
    const AppRegistry apps({app("1", "one"), app("2", "two")}, 4);
    EXPECT_EQ(apps.capacity(), 6U);
    ASSERT_TRUE(apps.by_key("two"));
    EXPECT_EQ(apps.by_key("two")->id, "2");
    EXPECT_EQ(apps.by_id("1")->key, "one");
    EXPECT_FALSE(apps.by_key("1"));
    EXPECT_FALSE(apps.by_id("one"));
    EXPECT_EQ(apps.index_of(*apps.by_id("2")), 1U);
    EXPECT_EQ(apps.id_of(0), "1");
    EXPECT_EQ(apps.id_of(5), "");
    ASSERT_EQ(apps.live_slots().size(), 2U);
    EXPECT_EQ(apps.live_slots()[1], (std::pair<std::size_t, std::string>{1, "2"}));
}

TEST(AppRegistry, ReplaceKeepsSlotsAndUnchangedAppsAndReportsTheChanges) {
    AppRegistry apps({app("1", "one"), app("2", "two"), app("3", "three")}, 4);
    const auto unchanged = apps.by_id("1");
    const auto before = apps.by_id("2");
    const auto changes = apps.replace(
            {app("3", "three"), app("2", "two", "new secret"), app("1", "one"), app("4", "four")});
    ASSERT_TRUE(changes.has_value());
    EXPECT_EQ(changes->added, std::vector<std::size_t>{3});
    EXPECT_EQ(changes->changed, std::vector<std::size_t>{1});
    EXPECT_TRUE(changes->removed.empty());
    EXPECT_EQ(apps.by_id("1"), unchanged);  // the same object: nothing to follow
    EXPECT_NE(apps.by_id("2"), before);
    EXPECT_EQ(apps.by_id("2")->secret, "new secret");
    EXPECT_EQ(before->secret, "secret");  // a holder keeps the version it has
    EXPECT_EQ(*apps.slot_of("3"), 2U);    // the file's order does not move slots
    EXPECT_EQ(*apps.slot_of("4"), 3U);
}

TEST(AppRegistry, ARemovedAppKeepsItsSlotForWhenItComesBack) {
    AppRegistry apps({app("1", "one"), app("2", "two")}, 1);
    auto changes = apps.replace({app("1", "one")});
    ASSERT_TRUE(changes.has_value());
    EXPECT_EQ(changes->removed, std::vector<std::size_t>{1});
    EXPECT_FALSE(apps.by_id("2"));
    EXPECT_FALSE(apps.by_key("two"));
    EXPECT_FALSE(apps.at(1));
    EXPECT_EQ(*apps.slot_of("2"), 1U);  // still its slot
    changes = apps.replace({app("1", "one"), app("2", "two")});
    ASSERT_TRUE(changes.has_value());
    EXPECT_EQ(changes->added, std::vector<std::size_t>{1});
    EXPECT_EQ(apps.by_key("two")->id, "2");
}

TEST(AppRegistry, AKeyChangeMovesTheLookup) {
    AppRegistry apps({app("1", "one")}, 1);
    ASSERT_TRUE(apps.replace({app("1", "uno")}).has_value());
    EXPECT_FALSE(apps.by_key("one"));
    EXPECT_EQ(apps.by_key("uno")->id, "1");
}

TEST(AppRegistry, MoreNewIdsThanSlotsFailsAndChangesNothing) {
    AppRegistry apps({app("1", "one")}, 1);
    ASSERT_TRUE(apps.replace({app("1", "one"), app("2", "two")}).has_value());
    const auto failed = apps.replace({app("1", "one", "changed"), app("3", "three")});
    ASSERT_FALSE(failed.has_value());
    EXPECT_NE(failed.error().find("room for 2 app ids"), std::string::npos) << failed.error();
    EXPECT_EQ(apps.by_id("1")->secret, "secret");
    EXPECT_TRUE(apps.by_id("2"));
    EXPECT_FALSE(apps.slot_of("3"));
}

TEST(AppRegistry, AdoptedAppsArriveOneAtATime) {
    AppRegistry apps({}, 2);
    const auto first = std::make_shared<const App>(app("1", "one"));
    auto adopted = apps.adopt(first);
    ASSERT_TRUE(adopted.has_value());
    EXPECT_EQ(adopted->what, AppRegistry::Adopted::Added);
    EXPECT_EQ(apps.by_key("one"), first);
    // The same settings in another object: unchanged, the registry keeps its own.
    adopted = apps.adopt(std::make_shared<const App>(app("1", "one")));
    ASSERT_TRUE(adopted.has_value());
    EXPECT_EQ(adopted->what, AppRegistry::Adopted::Same);
    EXPECT_EQ(adopted->app, first);
    adopted = apps.adopt(std::make_shared<const App>(app("1", "uno", "rotated")));
    ASSERT_TRUE(adopted.has_value());
    EXPECT_EQ(adopted->what, AppRegistry::Adopted::Changed);
    EXPECT_FALSE(apps.by_key("one"));
    EXPECT_EQ(apps.by_key("uno")->secret, "rotated");
    ASSERT_TRUE(apps.adopt(std::make_shared<const App>(app("2", "two"))).has_value());
    const auto full = apps.adopt(std::make_shared<const App>(app("3", "three")));
    ASSERT_FALSE(full.has_value());
    EXPECT_NE(full.error().find("room for 2"), std::string::npos) << full.error();
}

TEST(AppRegistry, ARetiredAppKeepsItsSlot) {
    AppRegistry apps({}, 2);
    ASSERT_TRUE(apps.adopt(std::make_shared<const App>(app("1", "one"))).has_value());
    EXPECT_EQ(apps.retire("1"), std::optional<std::size_t>(0));
    EXPECT_FALSE(apps.by_id("1"));
    EXPECT_FALSE(apps.by_key("one"));
    EXPECT_FALSE(apps.retire("1"));
    const auto back = apps.adopt(std::make_shared<const App>(app("1", "one")));
    ASSERT_TRUE(back.has_value());
    EXPECT_EQ(back->what, AppRegistry::Adopted::Added);
    EXPECT_EQ(back->slot, 0U);
}

}  // namespace
}  // namespace herald::server
