#include "herald/util/random.h"

#include <set>

#include <gtest/gtest.h>

namespace herald::util {
namespace {

TEST(Random, BytesDiffer) {
    std::array<std::byte, 16> a{};
    std::array<std::byte, 16> b{};
    random_bytes(a);
    random_bytes(b);
    EXPECT_NE(a, b);
}

TEST(Random, FastRandomProducesDistinctValues) {
    FastRandom r;
    std::set<std::uint64_t> seen;
    for (int i = 0; i < 1000; ++i) {
        seen.insert(r.next());
    }
    EXPECT_EQ(seen.size(), 1000U);
}

}  // namespace
}  // namespace herald::util
