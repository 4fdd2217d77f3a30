// herald/ws/request_head_test.cpp
#include "herald/ws/request_head.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace herald::ws {
namespace {

http::Request sample() {
    http::Request request;
    request.target = "/chat/room?x=1";
    request.fields.add("Host", "example.com");
    request.fields.add("X-Empty", "");
    request.fields.add("Cookie", "a=1");
    request.fields.add("cookie", "b=2");
    return request;
}

TEST(RequestHead, KeepsTargetAndPath) {
    const RequestHead head(sample());
    EXPECT_EQ(head.target(), "/chat/room?x=1");
    EXPECT_EQ(head.path(), "/chat/room");
}

TEST(RequestHead, FindsTheFirstFieldIgnoringCase) {
    const RequestHead head(sample());
    EXPECT_EQ(head.header("HOST"), "example.com");
    EXPECT_EQ(head.header("x-empty"), "");
    EXPECT_EQ(head.header("cookie"), "a=1");
    EXPECT_FALSE(head.header("Missing"));
}

TEST(RequestHead, GivesBackEveryFieldInOrder) {
    const auto fields = RequestHead(sample()).headers();
    ASSERT_EQ(fields.all().size(), 4U);
    EXPECT_EQ(fields.all()[1].name, "X-Empty");
    EXPECT_EQ(fields.joined("Cookie"), "a=1, b=2");
}

TEST(RequestHead, KeepsOnlyTheNamedFields) {
    const std::vector<std::string> kept = {"COOKIE", "Missing"};
    const RequestHead head(sample(), &kept);
    EXPECT_EQ(head.target(), "/chat/room?x=1");
    EXPECT_FALSE(head.header("Host"));
    EXPECT_FALSE(head.header("X-Empty"));
    EXPECT_EQ(head.headers().joined("Cookie"), "a=1, b=2");
    const std::vector<std::string> none;
    EXPECT_TRUE(RequestHead(sample(), &none).headers().all().empty());
    EXPECT_EQ(RequestHead(sample(), &none).path(), "/chat/room");
}

TEST(RequestHead, EmptyHeadHasNothing) {
    const RequestHead head;
    EXPECT_EQ(head.target(), "");
    EXPECT_EQ(head.path(), "");
    EXPECT_FALSE(head.header("Host"));
}

TEST(RequestHead, TargetOnlyHeadHasNoFields) {
    const RequestHead head(std::string("ws://h/p?q"));
    EXPECT_EQ(head.target(), "ws://h/p?q");
    EXPECT_TRUE(head.headers().all().empty());
    EXPECT_FALSE(head.header("Host"));
}

}  // namespace
}  // namespace herald::ws
