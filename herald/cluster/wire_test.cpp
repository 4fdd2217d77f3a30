// herald/cluster/wire_test.cpp
#include "herald/cluster/wire.h"

#include <gtest/gtest.h>

namespace herald::cluster {
namespace {

std::vector<WireMessage> samples() {
    return {
            EventMessage{"n1", "app", "private-a", "1.2", "", "", R"({"event":"x"})"},
            EventMessage{"n1", "app", "cache-a", "", "ev", "da:ta", "{}"},
            TerminateMessage{"n2", "app", "user:1"},
            CountMessage{"n1", "n2", 42, "app", "chan", 7, Transition::Added},
            MemberMessage{"n1", "n1", 9, "a", "presence-x",
                          "u\x1f"
                          "1",
                          true, R"({"n":1})", Transition::Removed, "3.4"},
            GoneMessage{"n3", "n1"},
    };
}

TEST(Wire, RoundTripsEveryKind) {
    for (const auto& message : samples()) {
        const auto bytes = encode(message);
        const auto back = decode(bytes);
        ASSERT_TRUE(back.has_value()) << bytes;
        EXPECT_EQ(*back, message) << bytes;
    }
}

TEST(Wire, MatchesTheScriptsFormat) {
    EXPECT_EQ(encode(GoneMessage{"ab", "c"}), "H1G2:ab1:c");
}

TEST(Wire, RejectsEveryTruncationAndExtension) {
    for (const auto& message : samples()) {
        const auto bytes = encode(message);
        for (std::size_t cut = 0; cut < bytes.size(); ++cut) {
            EXPECT_FALSE(decode(bytes.substr(0, cut)).has_value()) << bytes.substr(0, cut);
        }
        EXPECT_FALSE(decode(bytes + "0:").has_value());
    }
}

TEST(Wire, NeverTrustsLengths) {
    for (const auto* bad : {"H1G99999999999:a1:b", "H1G-1:a1:b", "H1G2:a", "H1G:a1:b", "H1X1:a",
                            "H2G1:a1:b", "H1C1:a1:b1:x1:a1:c1:51:3", ""}) {
        EXPECT_FALSE(decode(bad).has_value()) << bad;
    }
}

TEST(Wire, RefusesNumbersThatAreNotWholeOrDoNotFit) {
    // A count message whose count field is replaced: not a number never becomes 0.
    const auto with_count = [](std::string_view count) {
        return "H1C1:a1:b1:11:a1:c" + std::to_string(count.size()) + ":" + std::string(count) +
               "1:0";
    };
    ASSERT_TRUE(decode(with_count("18446744073709551615")).has_value());
    for (const auto* bad : {"18446744073709551616", "+5", " 5", "5x", "-0", ""}) {
        EXPECT_FALSE(decode(with_count(bad)).has_value()) << bad;
    }
}

}  // namespace
}  // namespace herald::cluster
