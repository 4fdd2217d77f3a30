// herald/net/intrusive_list_test.cpp
#include "herald/net/intrusive_list.h"

#include <vector>

#include <gtest/gtest.h>

#include "herald/util/assert.h"

namespace herald::net {
namespace {

struct TagA;
struct TagB;

struct Item : ListHook<TagA>, ListHook<TagB> {
    explicit Item(int v) : value(v) {}

    int value;
};

using ListA = IntrusiveList<Item, TagA>;
using ListB = IntrusiveList<Item, TagB>;

std::vector<int> values(ListA& list) {
    std::vector<int> out;
    list.for_each([&](Item& item) { out.push_back(item.value); });
    return out;
}

TEST(IntrusiveList, KeepsInsertionOrderAndSize) {
    Item a(1), b(2), c(3);
    ListA list;
    list.push_back(a);
    list.push_back(b);
    list.push_back(c);
    list.push_back(b);  // already linked: ignored
    EXPECT_EQ(list.size(), 3U);
    EXPECT_EQ(values(list), (std::vector<int>{1, 2, 3}));
    list.remove(b);
    EXPECT_EQ(values(list), (std::vector<int>{1, 3}));
    EXPECT_FALSE(static_cast<ListHook<TagA>&>(b).linked());
    list.clear();
}

TEST(IntrusiveList, OneItemCanSitOnTwoListsWithDifferentTags) {
    Item a(1);
    ListA first;
    ListB second;
    first.push_back(a);
    second.push_back(a);
    first.remove(a);
    EXPECT_TRUE(first.empty());
    EXPECT_EQ(second.size(), 1U);
    EXPECT_EQ(second.pop_front(), &a);
    EXPECT_TRUE(second.empty());
}

TEST(IntrusiveList, ForEachSurvivesRemovalOfTheCurrentAndTheNextItem) {
    Item a(1), b(2), c(3), d(4);
    ListA list;
    for (Item* item : {&a, &b, &c, &d}) {
        list.push_back(*item);
    }
    std::vector<int> seen;
    list.for_each([&](Item& item) {
        seen.push_back(item.value);
        if (item.value == 1) {
            list.remove(a);  // itself
            list.remove(b);  // the next one
        }
    });
    EXPECT_EQ(seen, (std::vector<int>{1, 3, 4}));
    EXPECT_EQ(values(list), (std::vector<int>{3, 4}));
    list.clear();
}

TEST(IntrusiveList, ForEachVisitsItemsAppendedDuringTheWalk) {
    Item a(1), b(2);
    ListA list;
    list.push_back(a);
    std::vector<int> seen;
    list.for_each([&](Item& item) {
        seen.push_back(item.value);
        list.push_back(b);
    });
    EXPECT_EQ(seen, (std::vector<int>{1, 2}));
    list.clear();
}

TEST(IntrusiveList, PopFrontEmptiesInOrder) {
    Item a(1), b(2);
    ListA list;
    list.push_back(a);
    list.push_back(b);
    EXPECT_EQ(list.pop_front(), &a);
    EXPECT_EQ(list.pop_front(), &b);
    EXPECT_EQ(list.pop_front(), nullptr);
}

TEST(IntrusiveListDeathTest, AnItemMustLeaveItsListsBeforeItDies) {
    if (!util::kAssertions) {
        GTEST_SKIP() << "HERALD_ASSERTIONS is off in this build";
    }
    EXPECT_DEATH(
            {
                ListA list;
                Item item(1);
                list.push_back(item);
            },  // `item` dies first, still on `list`
            "invariant broken.*linked");
}

}  // namespace
}  // namespace herald::net
