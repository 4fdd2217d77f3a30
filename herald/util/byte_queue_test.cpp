#include "herald/util/byte_queue.h"

#include <array>
#include <string>

#include <gtest/gtest.h>

namespace herald::util {
namespace {

std::string front(const ByteQueue& q) {
    std::array<std::string_view, 8> views;
    std::string out;
    for (std::size_t i = 0, n = q.gather(views); i < n; ++i) {
        out += views[i];
    }
    return out;
}

TEST(ByteQueue, SharesPushedBytesWithoutCopying) {
    const auto frame = make_shared_bytes("hello");
    ByteQueue q;
    q.push(frame);
    std::array<std::string_view, 1> views;
    ASSERT_EQ(q.gather(views), 1U);
    EXPECT_EQ(views[0].data(), frame->data());
    EXPECT_EQ(frame.use_count(), 2);
}

TEST(ByteQueue, ConsumesAcrossElementBoundaries) {
    ByteQueue q;
    q.push(make_shared_bytes("abc"));
    q.push(make_shared_bytes("defg"));
    q.push(make_shared_bytes(""));  // ignored
    EXPECT_EQ(q.size_bytes(), 7U);
    q.consume(2);
    EXPECT_EQ(front(q), "cdefg");
    q.consume(3);
    EXPECT_EQ(front(q), "fg");
    q.consume(2);
    EXPECT_TRUE(q.empty());
    EXPECT_EQ(front(q), "");
}

TEST(ByteQueue, GatherStopsAtTheOutputSize) {
    ByteQueue q;
    q.push(make_shared_bytes("a"));
    q.push(make_shared_bytes("b"));
    std::array<std::string_view, 1> views;
    EXPECT_EQ(q.gather(views), 1U);
    EXPECT_EQ(views[0], "a");
}

}  // namespace
}  // namespace herald::util

namespace herald::util {
namespace {

TEST(ByteQueue, ReplacesItsLastItemOnlyWhileNoneOfItIsWritten) {
    ByteQueue queue;
    EXPECT_FALSE(queue.back_unsent());
    queue.push(make_shared_bytes("abc"));
    ASSERT_TRUE(queue.back_unsent());
    queue.replace_back(make_shared_bytes("de"));
    EXPECT_EQ(queue.size_bytes(), 2U);
    EXPECT_EQ(queue.footprint_bytes(), 2U + ByteQueue::kItemOverheadBytes);
    queue.consume(1);
    EXPECT_FALSE(queue.back_unsent());  // its first byte is on the wire
    queue.push(make_shared_bytes("f"));
    EXPECT_TRUE(queue.back_unsent());
    std::array<std::string_view, 4> views{};
    ASSERT_EQ(queue.gather(views), 2U);
    EXPECT_EQ(views[0], "e");
    EXPECT_EQ(views[1], "f");
}

}  // namespace
}  // namespace herald::util
