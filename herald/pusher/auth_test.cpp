#include "herald/pusher/auth.h"

#include <cctype>
#include <string>

#include <gtest/gtest.h>

#include "herald/util/digest.h"

namespace herald::pusher {
namespace {

// protocol.md §7.10, credentials A.
constexpr std::string_view kKey = "278d425bdf160c739803";
constexpr std::string_view kSecret = "7ad3773142a6692b25b8";
constexpr std::string_view kSocket = "1234.1234";

struct Vector {
    std::string signed_text;
    std::string signature;
};

TEST(AuthVectors, CredentialsAMatchTheTable) {
    const Vector vectors[] = {
            {"1234.1234:private-foobar",  // A1
             "58df8b0c36d6982b82c3ecf6b4662e34fe8c25bba48f5369f135bf843651c3a4"},
            {R"(1234.1234:presence-foobar:{"user_id":10,"user_info":{"name":"Mr. Pusher"}})",  // A2
             "afaed3695da2ffd16931f457e338e6c9f2921fa133ce7dac49f529792be6304c"},
            {R"(1234.1234:presence-foobar:{"user_id":10,"user_info":{"name":"Mr. Channels"}})",  // A3
             "31935e7d86dba64c2a90aed31fdc61869f9b22ba9d8863bba239c03ca481bc80"},
            {R"(1234.1234:presence-foobar:{"user_id":"10","user_info":{"name":"Mr. Channels"}})",  // A4
             "4c6d8fc42a207ba96a0779844171b0bb819d96ffceef9609f5cce596ab17a800"},
            {"1234.1234:presence-foobar",  // A5
             "71506e66e7fdca106571b8999a849ad34245bc653772e51e0026c1a2475b92ba"},
            {R"(1234.1234::user::{"id":"12345"})",  // A6
             "4708d583dada6a56435fb8bc611c77c359a31eebde13337c16ab43aa6de336ba"},
            {R"(1234.1234::user::{"id":"12345","user_info":{"name":"Mr. Channels"},"watchlist":["67890","13579"]})",  // A7
             "a5969d9431ffa8f89b96588e536129d925b5cf89a5e9f0a997a328bedba8a6ef"},
            {"1234.1234:private-encrypted-foobar",  // A8
             "e6a18892d037c5d5e76a2265df4f086ffc38631605530dfd214aa5bff495f533"},
    };
    for (const auto& v : vectors) {
        EXPECT_EQ(sign(kSecret, v.signed_text), v.signature) << v.signed_text;
        const std::string auth = std::string(kKey) + ":" + v.signature;
        EXPECT_EQ(auth_string(kKey, kSecret, v.signed_text), auth);
        EXPECT_EQ(verify_auth(auth, kKey, kSecret, v.signed_text), AuthCheck::Ok);
    }
}

TEST(AuthVectors, StringsToSignAreBuiltExactly) {
    EXPECT_EQ(channel_string_to_sign(kSocket, "private-foobar", std::nullopt),
              "1234.1234:private-foobar");
    EXPECT_EQ(channel_string_to_sign(kSocket, "presence-foobar",
                                     R"({"user_id":10,"user_info":{"name":"Mr. Pusher"}})"),
              R"(1234.1234:presence-foobar:{"user_id":10,"user_info":{"name":"Mr. Pusher"}})");
    EXPECT_EQ(channel_string_to_sign(kSocket, "presence-foobar", ""), "1234.1234:presence-foobar:");
    EXPECT_EQ(user_string_to_sign(kSocket, R"({"id":"12345"})"),
              R"(1234.1234::user::{"id":"12345"})");
}

TEST(AuthVectors, ChannelAndUserAuthMatchTheAuthEndpointResponses) {
    EXPECT_EQ(channel_auth(kKey, kSecret, kSocket, "private-foobar"),
              "278d425bdf160c739803:"
              "58df8b0c36d6982b82c3ecf6b4662e34fe8c25bba48f5369f135bf843651c3a4");
    EXPECT_EQ(channel_auth(kKey, kSecret, kSocket, "presence-foobar",
                           R"({"user_id":10,"user_info":{"name":"Mr. Pusher"}})"),
              "278d425bdf160c739803:"
              "afaed3695da2ffd16931f457e338e6c9f2921fa133ce7dac49f529792be6304c");
    EXPECT_EQ(channel_auth(kKey, kSecret, kSocket, "private-encrypted-foobar"),
              "278d425bdf160c739803:"
              "e6a18892d037c5d5e76a2265df4f086ffc38631605530dfd214aa5bff495f533");
    EXPECT_EQ(user_auth(kKey, kSecret, kSocket, R"({"id":"12345"})"),
              "278d425bdf160c739803:"
              "4708d583dada6a56435fb8bc611c77c359a31eebde13337c16ab43aa6de336ba");
}

TEST(AuthVectors, CredentialsBMatchTheNodeSdkSuite) {
    EXPECT_EQ(sign("tofu", channel_string_to_sign("123.456", "test", std::nullopt)),
              "efa6cf7644a0b35cba36aa0f776f3cbf7bb60e95ea2696bde1dbe8403b61bd7c");
    EXPECT_EQ(sign("tofu", channel_string_to_sign("123.456", "test", R"({"foo":"bar"})")),
              "f41faf9ead2ea76772cc6b1168363057459f02499ae4d92e88229dc7f4efa2d4");
    EXPECT_EQ(sign("tofu", user_string_to_sign("123.456", R"({"id":"45678"})")),
              "f4b1fdeea7c93e32648c7230e32b172057c5623cace6cfce791c6e7035e0babd");
    EXPECT_EQ(sign("tofu", channel_string_to_sign("123.456", "private-encrypted-bla", "\"foo\"")),
              "962c48b78bf93d98ff4c92ee7dff04865821455b7b401e9d60a9e0a90af2c105");
}

TEST(AuthVerify, RefusesMalformedAndForeignKeys) {
    const std::string text = "1234.1234:private-foobar";
    const std::string good = channel_auth(kKey, kSecret, kSocket, "private-foobar");
    EXPECT_EQ(verify_auth("", kKey, kSecret, text), AuthCheck::Malformed);
    EXPECT_EQ(verify_auth(std::string(kKey), kKey, kSecret, text), AuthCheck::Malformed);
    EXPECT_EQ(verify_auth("other" + good.substr(kKey.size()), kKey, kSecret, text),
              AuthCheck::WrongKey);
    EXPECT_EQ(verify_auth(":" + good, kKey, kSecret, text), AuthCheck::WrongKey);
    EXPECT_EQ(verify_auth(std::string(kKey) + "::user::" + good.substr(kKey.size() + 1), kKey,
                          kSecret, text),
              AuthCheck::BadSignature);  // the documentation slip of §7.5 is not accepted
}

TEST(AuthVerify, RefusesEverySingleCharacterChange) {
    const std::string text = "1234.1234:private-foobar";
    const std::string good = channel_auth(kKey, kSecret, kSocket, "private-foobar");
    for (std::size_t i = kKey.size() + 1; i < good.size(); ++i) {
        std::string bad = good;
        bad[i] = bad[i] == '0' ? '1' : '0';
        EXPECT_EQ(verify_auth(bad, kKey, kSecret, text), AuthCheck::BadSignature) << i;
    }
    EXPECT_EQ(verify_auth(good.substr(0, good.size() - 1), kKey, kSecret, text),
              AuthCheck::BadSignature);
    EXPECT_EQ(verify_auth(good + "0", kKey, kSecret, text), AuthCheck::BadSignature);
    EXPECT_EQ(verify_auth(good, kKey, "other secret", text), AuthCheck::BadSignature);
    EXPECT_EQ(verify_auth(good, kKey, kSecret, text + ":"), AuthCheck::BadSignature);
}

TEST(AuthVerify, AcceptsOnlyLowercaseHex) {
    const std::string text = "1234.1234:private-foobar";
    std::string upper = channel_auth(kKey, kSecret, kSocket, "private-foobar");
    for (std::size_t i = kKey.size() + 1; i < upper.size(); ++i) {
        upper[i] = static_cast<char>(std::toupper(static_cast<unsigned char>(upper[i])));
    }
    EXPECT_EQ(verify_auth(upper, kKey, kSecret, text), AuthCheck::BadSignature);
}

TEST(AuthMessages, FollowTheHostedWording) {
    EXPECT_EQ(auth_signature("k:abc"), "abc");
    EXPECT_EQ(auth_signature("k:a:b"), "a:b");
    EXPECT_EQ(auth_signature("nocolon"), "");
    EXPECT_EQ(invalid_key_message("bad:sig"), "Invalid key in subscription auth data: 'bad:sig'");
    EXPECT_EQ(invalid_signature_message("1.1:private-a", "k:abc"),
              "Invalid signature: Expected HMAC SHA256 hex digest of 1.1:private-a, but got abc");
}

TEST(SharedSecret, MatchesTheSdkVectors) {
    // E1 (Node SDK test).
    EXPECT_EQ(
            shared_secret("zyrm8pvV2C9fJcBfhyXzvxbJVN/H7QLmbe0xJi1GhPU=", "private-encrypted-bla"),
            "nlr49ISQHz91yS3cy/yWmW8wFMNeTnNL5tNHnbPJcLQ=");
    // E2: the ASCII master key of the deprecated option, given as base64.
    EXPECT_EQ(shared_secret("MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTIzNDU2Nzg5MDE=",
                            "private-encrypted-foobar"),
              "Uedy6frF2/3cz/oMziDQ0pGdahMvE50/N0xZ8eKYEIg=");
    EXPECT_EQ(util::to_hex(
                      channel_key("private-encrypted-foobar", "01234567890123456789012345678901")),
              "51e772e9fac5dbfddccffa0cce20d0d2919d6a132f139d3f374c59f1e2981088");
}

TEST(SharedSecret, IsFortyFourCharactersAndDiffersPerChannel) {
    const auto a =
            shared_secret("MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTIzNDU2Nzg5MDE=", "private-encrypted-a");
    const auto b =
            shared_secret("MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTIzNDU2Nzg5MDE=", "private-encrypted-b");
    ASSERT_TRUE(a && b);
    EXPECT_EQ(a->size(), 44U);
    EXPECT_NE(*a, *b);
}

TEST(SharedSecret, RequiresExactly32ByteMasterKey) {
    EXPECT_FALSE(shared_secret("", "private-encrypted-a"));
    EXPECT_FALSE(shared_secret("not base64!", "private-encrypted-a"));
    // 31 and 33 bytes.
    EXPECT_FALSE(
            shared_secret("MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTIzNDU2Nzg5MA==", "private-encrypted-a"));
    EXPECT_FALSE(
            shared_secret("MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTIzNDU2Nzg5MDEy", "private-encrypted-a"));
    // The raw 32-character form is not base64 of 32 bytes.
    EXPECT_FALSE(shared_secret("01234567890123456789012345678901", "private-encrypted-a"));
}

}  // namespace
}  // namespace herald::pusher
