// herald/server/subscription_set_test.cpp
#include "herald/server/subscription_set.h"

#include <memory>
#include <string>

#include <gtest/gtest.h>

namespace herald::server {
namespace {

std::unique_ptr<Subscription> subscription(std::string channel) {
    // The set never touches the owner.
    return std::make_unique<Subscription>(nullptr, std::move(channel));
}

TEST(SubscriptionSet, FindsWhatWasInsertedWhateverTheOrder) {
    SubscriptionSet set;
    EXPECT_TRUE(set.empty());
    for (const char* channel : {"private-b", "a", "presence-c", "private-a", "b"}) {
        set.insert(subscription(channel));
    }
    EXPECT_EQ(set.size(), 5U);
    for (const char* channel : {"private-b", "a", "presence-c", "private-a", "b"}) {
        ASSERT_NE(set.find(channel), nullptr) << channel;
        EXPECT_EQ(set.find(channel)->channel, channel);
    }
    EXPECT_FALSE(set.contains("c"));
    EXPECT_FALSE(set.contains(""));
    EXPECT_FALSE(set.contains("private-"));
}

TEST(SubscriptionSet, ErasesOnlyTheNamedChannel) {
    SubscriptionSet set;
    set.insert(subscription("x"));
    set.insert(subscription("y"));
    set.erase("nothing");
    EXPECT_EQ(set.size(), 2U);
    set.erase("x");
    EXPECT_FALSE(set.contains("x"));
    EXPECT_TRUE(set.contains("y"));
    EXPECT_EQ(&set.back(), set.find("y"));
    set.erase("y");
    EXPECT_TRUE(set.empty());
}

TEST(SubscriptionSet, EmptiesFromTheBack) {
    SubscriptionSet set;
    for (int i = 0; i < 100; ++i) {
        set.insert(subscription("channel-" + std::to_string((i * 37) % 100)));
    }
    std::string previous = "~";  // above every name: the back is the largest
    while (!set.empty()) {
        const std::string channel = set.back().channel;
        EXPECT_LT(channel, previous);
        previous = channel;
        set.erase(channel);
    }
}

}  // namespace
}  // namespace herald::server
