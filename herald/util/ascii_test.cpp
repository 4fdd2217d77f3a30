#include "herald/util/ascii.h"

#include <vector>

#include <gtest/gtest.h>

namespace herald::util {
namespace {

TEST(Ascii, ComparesCaseInsensitively) {
    EXPECT_TRUE(iequals("WebSocket", "websocket"));
    EXPECT_FALSE(iequals("websocket", "websockets"));
    EXPECT_EQ(to_lower("Upgrade"), "upgrade");
}

TEST(Ascii, TrimsOptionalWhitespaceOnly) {
    EXPECT_EQ(trim(" \t a b \t"), "a b");
    EXPECT_EQ(trim(""), "");
}

TEST(Ascii, WalksCommaListsSkippingEmptyElements) {
    std::vector<std::string> seen;
    for_each_list_element(" keep-alive ,, Upgrade,", [&](std::string_view e) {
        seen.emplace_back(e);
        return true;
    });
    EXPECT_EQ(seen, (std::vector<std::string>{"keep-alive", "Upgrade"}));
    EXPECT_TRUE(list_contains_token("keep-alive, UPGRADE", "upgrade"));
    EXPECT_FALSE(list_contains_token("keep-alive, upgrades", "upgrade"));
}

}  // namespace
}  // namespace herald::util
