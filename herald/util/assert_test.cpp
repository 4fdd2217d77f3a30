#include "herald/util/assert.h"

#include <thread>

#include <gtest/gtest.h>

namespace herald::util {
namespace {

TEST(AssertDeathTest, CheckAbortsWithWhereAndWhat) {
    EXPECT_DEATH(HERALD_CHECK(1 + 1 == 3, "arithmetic"),
                 "invariant broken at .*: 1 \\+ 1 == 3: arithmetic");
}

TEST(AssertDeathTest, AssertIsActiveInTestedBuilds) {
    if constexpr (kAssertions) {
        EXPECT_DEATH(HERALD_ASSERT(false), "invariant broken");
    } else {
        HERALD_ASSERT(false);  // compiled out: must not abort
    }
}

TEST(OwnerThread, KnowsItsOwner) {
    OwnerThread owner;
    EXPECT_TRUE(owner.is_current());  // unbound: anyone
    owner.bind();
    EXPECT_TRUE(owner.is_current());
    bool elsewhere = true;
    std::thread([&] { elsewhere = owner.is_current(); }).join();
    EXPECT_EQ(elsewhere, !kAssertions);
}

}  // namespace
}  // namespace herald::util
