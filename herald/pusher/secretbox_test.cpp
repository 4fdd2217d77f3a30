#include "herald/pusher/secretbox.h"

#include <string>

#include <gtest/gtest.h>

#include "herald/pusher/auth.h"

namespace herald::pusher {
namespace {

const std::string kKey = channel_key("private-encrypted-a", std::string(32, 'm'));

TEST(Secretbox, OpensWhatItSeals) {
    const std::string sealed = seal_payload(kKey, R"({"x":1})");
    EXPECT_EQ(open_payload(kKey, sealed), R"({"x":1})");
    EXPECT_NE(seal_payload(kKey, "same"), seal_payload(kKey, "same"));  // a fresh nonce each
}

TEST(Secretbox, RefusesAnotherKeyATamperedCiphertextAndMalformedPayloads) {
    const std::string nonce(kSecretboxNonceBytes, '\x01');
    const std::string sealed = seal_payload_with_nonce(kKey, "hello", nonce);
    const std::string other = channel_key("private-encrypted-b", std::string(32, 'm'));
    EXPECT_FALSE(open_payload(other, sealed));
    std::string tampered = sealed;
    const auto at = tampered.find("\"ciphertext\":\"") + 14;
    tampered[at] = tampered[at] == 'A' ? 'B' : 'A';
    EXPECT_FALSE(open_payload(kKey, tampered));
    EXPECT_FALSE(open_payload(kKey, "not json"));
    EXPECT_FALSE(open_payload(kKey, "[]"));
    EXPECT_FALSE(open_payload(kKey, R"({"nonce":"AAAA","ciphertext":"AAAA"})"));
    EXPECT_FALSE(open_payload(kKey, ""));
    EXPECT_FALSE(open_payload("short key", sealed));
    EXPECT_THROW(static_cast<void>(seal_payload_with_nonce(kKey, "x", "short")),
                 std::invalid_argument);
}

TEST(Secretbox, TheDeliveredDataIsAJsonStringsContentsOrThePlaintext) {
    EXPECT_EQ(decrypted_data_text(R"("hi \"there\"")"), R"(hi "there")");
    EXPECT_EQ(decrypted_data_text(R"({"a":1})"), R"({"a":1})");
    EXPECT_EQ(decrypted_data_text("plain words"), "plain words");
    EXPECT_EQ(decrypted_data_text(""), "");
}

}  // namespace
}  // namespace herald::pusher
