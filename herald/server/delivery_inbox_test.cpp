#include "herald/server/delivery_inbox.h"

#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

namespace herald::server {
namespace {

Delivery delivery(std::string text) {
    return Delivery{0, std::make_shared<const std::string>("news"),
                    ws::Broadcast::text(std::move(text)),
                    std::make_shared<const std::optional<std::string>>()};
}

// What a drain handed over: each payload with the flush it came with.
std::vector<std::pair<std::string, Flush>> drain(DeliveryInbox& inbox) {
    std::vector<std::pair<std::string, Flush>> out;
    inbox.drain([&](const Delivery& d, Flush flush) {
        out.emplace_back(std::string(d.message->payload()), flush);
    });
    return out;
}

TEST(DeliveryInbox, OnlyTheFirstAdditionAsksForADrain) {
    DeliveryInbox inbox;
    EXPECT_TRUE(inbox.add(delivery("a")));
    EXPECT_FALSE(inbox.add(delivery("b")));
    EXPECT_FALSE(inbox.add(delivery("c")));
    EXPECT_EQ(drain(inbox).size(), 3U);
    EXPECT_TRUE(inbox.add(delivery("d")));  // drained: the next one needs a drain again
}

TEST(DeliveryInbox, ALoneDeliveryIsWrittenNowAndABurstAtTheEndOfTheTurn) {
    DeliveryInbox inbox;
    ASSERT_TRUE(inbox.add(delivery("alone")));
    const auto alone = drain(inbox);
    ASSERT_EQ(alone.size(), 1U);
    EXPECT_EQ(alone[0].second, Flush::Now);

    ASSERT_TRUE(inbox.add(delivery("one")));
    ASSERT_FALSE(inbox.add(delivery("two")));
    const auto burst = drain(inbox);
    ASSERT_EQ(burst.size(), 2U);
    EXPECT_EQ(burst[0], std::make_pair(std::string("one"), Flush::EndOfTurn));
    EXPECT_EQ(burst[1], std::make_pair(std::string("two"), Flush::EndOfTurn));
}

TEST(DeliveryInbox, WhatADeliveryAddsGoesToTheNextDrain) {
    DeliveryInbox inbox;
    ASSERT_TRUE(inbox.add(delivery("first")));
    bool asked = false;
    std::vector<std::string> seen;
    inbox.drain([&](const Delivery& d, Flush /*flush*/) {
        seen.emplace_back(d.message->payload());
        asked = inbox.add(delivery("later"));  // a close that changes a count, say
    });
    EXPECT_EQ(seen, std::vector<std::string>{"first"});
    EXPECT_TRUE(asked);
    const auto next = drain(inbox);
    ASSERT_EQ(next.size(), 1U);
    EXPECT_EQ(next[0].first, "later");
}

TEST(DeliveryInbox, ADrainReleasesItsFrames) {
    DeliveryInbox inbox;
    auto d = delivery("big");
    const std::weak_ptr<const ws::Broadcast> frame = d.message;
    ASSERT_TRUE(inbox.add(std::move(d)));
    drain(inbox);
    EXPECT_TRUE(frame.expired());
}

}  // namespace
}  // namespace herald::server
