#include "herald/webhooks/target.h"

#include <gtest/gtest.h>

namespace herald::webhooks {
namespace {

std::string problem_of(const std::string& name, const std::string& value,
                       const std::vector<Header>& before = {}) {
    return header_problem(Header{name, value}, before).value_or("");
}

TEST(HeaderProblem, AcceptsTokensWithVisibleValues) {
    EXPECT_EQ(problem_of("Authorization", "Bearer abc.def=="), "");
    EXPECT_EQ(problem_of("X-Custom_1!#$%&'*+.^`|~", "a\tb  \"c\" \xC3\xA9"), "");
    EXPECT_EQ(problem_of("X-Empty", ""), "");
    EXPECT_EQ(problem_of("User-Agent", "my-receiver-wants-this"), "");
}

TEST(HeaderProblem, RefusesNamesThatAreNotTokens) {
    for (const auto* name : {"", "X A", "X:A", "X\r\nHost", "X(A)", "X/A", "Ä"}) {
        EXPECT_NE(problem_of(name, "v").find("not an HTTP token"), std::string::npos) << name;
    }
    EXPECT_NE(problem_of(std::string(300, 'a'), "v"), "");
    // The message can go to a log: a bad name's control characters are not repeated.
    EXPECT_NE(problem_of("X\r\nY", "v").find("\"X??Y\""), std::string::npos);
}

TEST(HeaderProblem, RefusesControlCharactersInValues) {
    for (const auto& value : {std::string("a\r\nX-Injected: 1"), std::string("a\nb"),
                              std::string("a\rb"), std::string("a\0b", 3), std::string("\x7f")}) {
        EXPECT_NE(problem_of("X-A", value).find("control character"), std::string::npos);
    }
    EXPECT_NE(problem_of("X-A", std::string(5000, 'v')).find("longer than"), std::string::npos);
}

TEST(HeaderProblem, HeraldsOwnHeadersCannotBeReplaced) {
    for (const auto* name : {"Content-Type", "content-length", "HOST", "X-Pusher-Key",
                             "x-pusher-signature", "Transfer-Encoding", "Expect", "Connection"}) {
        EXPECT_NE(problem_of(name, "v").find("set by Herald"), std::string::npos) << name;
    }
}

TEST(HeaderProblem, ANameIsGivenOnce) {
    EXPECT_NE(problem_of("authorization", "b", {{"Authorization", "a"}}).find("twice"),
              std::string::npos);
    EXPECT_EQ(problem_of("X-B", "b", {{"X-A", "a"}}), "");
}

}  // namespace
}  // namespace herald::webhooks
