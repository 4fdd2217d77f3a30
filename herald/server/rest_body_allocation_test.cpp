// What parsing a REST body allocates: the trigger it returns and nothing else. The parser's
// buffers belong to the thread and are reused from one request to the next, whatever their sizes.
#include <string>

#include "tests/support/counting_new.h"
#include <gtest/gtest.h>

#include "herald/server/rest_body.h"

namespace herald::server {
namespace {

std::string trigger_body(std::size_t data_bytes) {
    return R"({"name":"my-event","channel":"my-channel","data":")" + std::string(data_bytes, 'x') +
           R"("})";
}

// The result's vector of one trigger, its data (longer than a short string) and its one-channel
// list: three allocations, the message itself.
constexpr std::size_t kTriggerAllocations = 3;

TEST(RestBodyAllocations, ATriggerCostsOnlyWhatItHolds) {
    const AppLimits limits;
    ASSERT_TRUE(parse_trigger_body(trigger_body(4000), limits));  // the thread's parser grows
    for (const std::size_t bytes : {100U, 3000U, 250U, 4000U, 17U}) {
        const std::string body = trigger_body(bytes);
        const support::AllocationCounter counter;
        const auto parsed = parse_trigger_body(body, limits);
        const std::size_t allocations = counter.count();
        ASSERT_TRUE(parsed) << bytes;
        EXPECT_EQ(parsed->front().data.size(), bytes);
        EXPECT_EQ(allocations, kTriggerAllocations) << bytes << "-byte data";
    }
}

// A body larger than what a parser keeps is parsed; the next ordinary body gives the memory back
// (one new set of buffers), and the one after costs only its trigger again.
TEST(RestBodyAllocations, ALargeBodyIsNotKeptForever) {
    const AppLimits limits;
    AppLimits large = limits;
    large.max_event_data_bytes = 1 << 20;
    ASSERT_TRUE(parse_trigger_body(trigger_body(200'000), large));
    const std::string body = trigger_body(100);
    ASSERT_TRUE(parse_trigger_body(body, limits));
    const support::AllocationCounter counter;
    ASSERT_TRUE(parse_trigger_body(body, limits));
    EXPECT_EQ(counter.count(), kTriggerAllocations);
}

}  // namespace
}  // namespace herald::server
