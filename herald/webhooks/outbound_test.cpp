#include "herald/webhooks/outbound.h"

#include <gtest/gtest.h>

namespace herald::webhooks {
namespace {

using std::chrono::milliseconds;

TEST(Backoff, DoublesUpToTheCapWithEqualJitter) {
    const milliseconds initial(1000);
    const milliseconds max(60000);
    EXPECT_EQ(backoff(1, initial, max, 0.0), milliseconds(500));
    EXPECT_EQ(backoff(1, initial, max, 0.999), milliseconds(999));
    EXPECT_EQ(backoff(2, initial, max, 0.0), milliseconds(1000));
    EXPECT_EQ(backoff(3, initial, max, 0.0), milliseconds(2000));
    EXPECT_EQ(backoff(7, initial, max, 0.0), milliseconds(30000));
    EXPECT_EQ(backoff(8, initial, max, 0.0), milliseconds(30000));
    EXPECT_EQ(backoff(1000, initial, max, 1.0), milliseconds(60000));
}

TEST(Backoff, NeverZeroNorNegative) {
    EXPECT_GE(backoff(1, milliseconds(0), milliseconds(0), 0.0), milliseconds(0));
    EXPECT_GE(backoff(1, milliseconds(10), milliseconds(1), 0.5), milliseconds(5));
}

}  // namespace
}  // namespace herald::webhooks
