#include "herald/util/base64.h"

#include <gtest/gtest.h>

namespace herald::util {
namespace {

TEST(Base64, EncodesRfc4648Vectors) {
    EXPECT_EQ(base64_encode(""), "");
    EXPECT_EQ(base64_encode("f"), "Zg==");
    EXPECT_EQ(base64_encode("fo"), "Zm8=");
    EXPECT_EQ(base64_encode("foo"), "Zm9v");
    EXPECT_EQ(base64_encode("foobar"), "Zm9vYmFy");
}

TEST(Base64, DecodesCanonicalInput) {
    EXPECT_EQ(base64_decode("Zg=="), "f");
    EXPECT_EQ(base64_decode("Zm8="), "fo");
    EXPECT_EQ(base64_decode("dGhlIHNhbXBsZSBub25jZQ==")->size(), 16U);
}

TEST(Base64, RejectsMalformedInput) {
    EXPECT_FALSE(base64_decode("Zg="));       // length not a multiple of 4
    EXPECT_FALSE(base64_decode("Zg=a"));      // padding in the middle
    EXPECT_FALSE(base64_decode("Z g="));      // whitespace
    EXPECT_FALSE(base64_decode("Zh=="));      // non-zero pad bits: not canonical
    EXPECT_FALSE(base64_decode("Zm9v!A=="));  // outside the alphabet
}

}  // namespace
}  // namespace herald::util
