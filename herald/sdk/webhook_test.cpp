// Webhook verification refusals and encrypted payload tampering (the accepted cases are the
// protocol vectors in vectors_test.cpp).
#include "herald/sdk/webhook.h"

#include <gtest/gtest.h>

#include "herald/sdk/encryption.h"
#include "herald/sdk/errors.h"

namespace herald::sdk {
namespace {

const std::string kBody = R"({"time_ms":1,"events":[{"name":"channel_vacated","channel":"c"}]})";

Headers signed_headers(const std::string& body, const std::string& secret = "secret",
                       const std::string& key = "key") {
    return {{"content-type", "application/json; charset=utf-8"},
            {"x-pusher-key", key},
            {"x-pusher-signature", webhook_signature(secret, body)}};
}

Webhook hook(const Headers& headers, const std::string& body) {
    return {{{"key", "secret"}}, headers, body};
}

TEST(Webhook, AcceptsAGoodOneWithAnyHeaderCase) {
    const Webhook good = hook(signed_headers(kBody), kBody);
    EXPECT_TRUE(good.valid()) << good.problem();
    EXPECT_EQ(good.events().at(0).name, "channel_vacated");
}

TEST(Webhook, RefusesTamperedBodiesWrongKeysAndBadHeaders) {
    std::string tampered = kBody;
    tampered[tampered.find("vacated")] = 'W';
    EXPECT_EQ(hook(signed_headers(kBody), tampered).problem(),
              "X-Pusher-Signature does not match the body");
    EXPECT_EQ(hook(signed_headers(kBody, "other-secret"), kBody).problem(),
              "X-Pusher-Signature does not match the body");
    EXPECT_EQ(hook(signed_headers(kBody, "secret", "other-key"), kBody).problem(),
              "X-Pusher-Key is not this app's key");
    Headers upper = signed_headers(kBody);
    for (char& c : upper[2].second) {
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    EXPECT_FALSE(hook(upper, kBody).valid());
    Headers text = signed_headers(kBody);
    text[0].second = "text/plain";
    EXPECT_EQ(hook(text, kBody).problem(), "Content-Type is not application/json");
    EXPECT_EQ(hook({}, kBody).problem(), "no X-Pusher-Key header");
    EXPECT_EQ(hook({{"X-Pusher-Key", "key"}}, kBody).problem(), "no X-Pusher-Signature header");
    const std::string no_events = R"({"time_ms":1})";
    EXPECT_FALSE(hook(signed_headers(no_events), no_events).valid());
    const std::string not_json = "nope";
    EXPECT_FALSE(hook(signed_headers(not_json), not_json).valid());
    EXPECT_THROW(static_cast<void>(hook(signed_headers(kBody), tampered).events()), Error);
}

TEST(Webhook, ExtraTokensAllowKeyRotation) {
    const Webhook rotated({{"key", "secret"}, {"new-key", "new-secret"}},
                          signed_headers(kBody, "new-secret", "new-key"), kBody);
    EXPECT_TRUE(rotated.valid()) << rotated.problem();
    const Webhook mixed({{"key", "secret"}, {"new-key", "new-secret"}},
                        signed_headers(kBody, "new-secret", "key"), kBody);
    EXPECT_FALSE(mixed.valid());
}

TEST(Encryption, TamperedOrMalformedPayloadsDoNotOpen) {
    const std::string key(32, 'k');
    const std::string sealed = seal(key, "hello");
    EXPECT_EQ(open(key, sealed), "hello");
    EXPECT_NE(seal(key, "hello"), sealed);  // a fresh nonce each time
    EXPECT_FALSE(open(std::string(32, 'x'), sealed));
    std::string flipped = sealed;
    const auto at = flipped.find("ciphertext") + 14;
    flipped[at] = flipped[at] == 'A' ? 'B' : 'A';
    EXPECT_FALSE(open(key, flipped));
    EXPECT_FALSE(open(key, R"({"nonce":"AAAA","ciphertext":"AAAA"})"));
    EXPECT_FALSE(open(key, R"({"nonce":1})"));
    EXPECT_FALSE(open(key, "not json"));
    EXPECT_FALSE(decode_master_key("c2hvcnQ="));
    EXPECT_THROW(static_cast<void>(seal_with_nonce(key, "x", "short")), std::invalid_argument);
}

}  // namespace
}  // namespace herald::sdk
