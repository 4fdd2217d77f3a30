#include "herald/util/result.h"

#include <string>
#include <variant>

#include <gtest/gtest.h>

namespace herald::util {
namespace {

Result<int, std::string> halve(int n) {
    if (n % 2 != 0) {
        return unexpected(std::string("odd"));
    }
    return n / 2;
}

TEST(Result, CarriesAValueOrAnError) {
    const auto ok = halve(8);
    ASSERT_TRUE(ok);
    EXPECT_EQ(*ok, 4);
    EXPECT_EQ(ok.value_or(0), 4);

    const auto bad = halve(3);
    ASSERT_FALSE(bad.has_value());
    EXPECT_EQ(bad.error(), "odd");
    EXPECT_EQ(bad.value_or(-1), -1);
    EXPECT_THROW((void)bad.value(), std::bad_variant_access);
}

TEST(Result, KeepsValueAndErrorApartWhenTheyShareAType) {
    const Result<std::string, std::string> value{std::string("v")};
    const Result<std::string, std::string> error{unexpected(std::string("e"))};
    EXPECT_TRUE(value.has_value());
    EXPECT_EQ(*value, "v");
    EXPECT_FALSE(error.has_value());
    EXPECT_EQ(error.error(), "e");
}

TEST(Result, EqualsAValueOnlyWhenItHoldsThatValue) {
    EXPECT_EQ(halve(8), 4);
    EXPECT_TRUE(4 == halve(8));
    EXPECT_FALSE(halve(8) == 5);
    EXPECT_FALSE(halve(3) == 1);
}

TEST(Result, VoidCarriesOnlyTheError) {
    const Result<void, std::string> ok;
    const Result<void, std::string> bad = unexpected(std::string("no"));
    EXPECT_TRUE(ok);
    EXPECT_FALSE(bad);
    EXPECT_EQ(bad.error(), "no");
}

}  // namespace
}  // namespace herald::util
