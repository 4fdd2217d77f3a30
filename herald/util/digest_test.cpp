#include "herald/util/digest.h"

#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace herald::util {
namespace {

TEST(Digest, Sha1OfAbc) {
    EXPECT_EQ(to_hex(sha1("abc")), "a9993e364706816aba3e25717850c26c9cd0d89d");
}

TEST(Digest, Md5AndSha256OfEmpty) {
    EXPECT_EQ(to_hex(md5("")), "d41d8cd98f00b204e9800998ecf8427e");
    EXPECT_EQ(to_hex(sha256("")),
              "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(Digest, HmacSha256Rfc4231Case2) {
    EXPECT_EQ(to_hex(hmac_sha256("Jefe", "what do ya want for nothing?")),
              "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(Digest, HexFormsMatchTheRawOnes) {
    EXPECT_EQ(view(md5_hex("")), "d41d8cd98f00b204e9800998ecf8427e");
    EXPECT_EQ(view(hmac_sha256_hex("Jefe", "what do ya want for nothing?")),
              "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

// The per-thread contexts are keyed again for each call: a key never leaks into the next MAC,
// and an empty key is a key like any other (RFC 2104 pads it with zeros).
TEST(Digest, EachHmacUsesItsOwnKey) {
    const std::string jefe = to_hex(hmac_sha256("Jefe", "what do ya want for nothing?"));
    EXPECT_EQ(to_hex(hmac_sha256("", "")),
              "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
    EXPECT_EQ(to_hex(hmac_sha256("Jefe", "what do ya want for nothing?")), jefe);
    EXPECT_NE(view(hmac_sha256_hex("Jeff", "what do ya want for nothing?")), jefe);
    EXPECT_EQ(to_hex(hmac_sha256(std::string(200, 'k'), "long keys are hashed first")),
              to_hex(hmac_sha256(sha256(std::string(200, 'k')), "long keys are hashed first")));
}

// Threads hash at once, each with its own contexts, and agree with the first thread.
TEST(Digest, ThreadsHashAtOnce) {
    std::vector<std::thread> threads;
    std::vector<std::string> seen(4);
    for (std::size_t t = 0; t < seen.size(); ++t) {
        threads.emplace_back([&seen, t] {
            for (int i = 0; i < 200; ++i) {
                seen[t] = to_hex(sha1("abc")) + std::string(view(md5_hex("abc")));
            }
        });
    }
    for (auto& thread : threads) {
        thread.join();
    }
    for (const auto& text : seen) {
        EXPECT_EQ(text, to_hex(sha1("abc")) + std::string(view(md5_hex("abc"))));
    }
}

TEST(Digest, ConstantTimeEquals) {
    EXPECT_TRUE(constant_time_equals("abc", "abc"));
    EXPECT_FALSE(constant_time_equals("abc", "abd"));
    EXPECT_FALSE(constant_time_equals("abc", "ab"));
}

}  // namespace
}  // namespace herald::util
