// The signature vectors of protocol.md §7.10 (channel and user auth, shared secrets), §8.12 (REST
// signing, through a Client with a fixed clock) and §9.8 (webhooks), reproduced by the SDK.
#include <string>

#include <gtest/gtest.h>

#include "herald/sdk/auth.h"
#include "herald/sdk/client.h"
#include "herald/sdk/encryption.h"
#include "herald/sdk/webhook.h"
#include "herald/util/base64.h"
#include "herald/util/digest.h"

namespace herald::sdk {
namespace {

constexpr std::string_view kKey = "278d425bdf160c739803";
constexpr std::string_view kSecret = "7ad3773142a6692b25b8";
constexpr std::string_view kSocket = "1234.1234";
constexpr std::int64_t kTime = 1353088179;
const std::string kAuthParams =
        "auth_key=278d425bdf160c739803&auth_timestamp=1353088179&auth_version=1.0";

Client vector_client() {
    Options options;
    options.app_id = "3";
    options.key = std::string(kKey);
    options.secret = std::string(kSecret);
    options.host = "127.0.0.1";
    options.use_tls = false;
    options.clock = [] {
        return kTime;
    };
    return Client(std::move(options));
}

std::string signature_of(const std::string& auth) {
    return auth.substr(auth.find(':') + 1);
}

TEST(AuthVectors, PrivatePresenceUserAndEncryptedChannelsGiveTheDocumentedSignatures) {
    const SigningKeys keys{kKey, kSecret, std::nullopt};
    const auto a1 = authenticate_channel(keys, "private-foobar", kSocket, std::nullopt);
    EXPECT_EQ(a1.auth, std::string(kKey) +
                               ":58df8b0c36d6982b82c3ecf6b4662e34fe8c25bba48f5369f135bf843651c3a4");
    EXPECT_EQ(
            a1.json(),
            R"({"auth":"278d425bdf160c739803:58df8b0c36d6982b82c3ecf6b4662e34fe8c25bba48f5369f135bf843651c3a4"})");

    // A4: a string user id; the SDK always writes user_id as a string.
    const auto a4 =
            authenticate_channel(keys, "presence-foobar", kSocket,
                                 PresenceMember{"10", Json::object({{"name", "Mr. Channels"}})});
    EXPECT_EQ(*a4.channel_data, R"({"user_id":"10","user_info":{"name":"Mr. Channels"}})");
    EXPECT_EQ(signature_of(a4.auth),
              "4c6d8fc42a207ba96a0779844171b0bb819d96ffceef9609f5cce596ab17a800");
    EXPECT_EQ(a4.json().substr(0, 16), R"({"channel_data":)");

    const auto a6 = authenticate_user(keys, kSocket, Json::object({{"id", "12345"}}));
    EXPECT_EQ(a6.user_data, R"({"id":"12345"})");
    EXPECT_EQ(signature_of(a6.auth),
              "4708d583dada6a56435fb8bc611c77c359a31eebde13337c16ab43aa6de336ba");

    const auto a7 =
            authenticate_user(keys, kSocket,
                              Json::object({{"id", "12345"},
                                            {"user_info", Json::object({{"name", "Mr. Channels"}})},
                                            {"watchlist", Json::array({"67890", "13579"})}}));
    EXPECT_EQ(signature_of(a7.auth),
              "a5969d9431ffa8f89b96588e536129d925b5cf89a5e9f0a997a328bedba8a6ef");

    const std::string master = "01234567890123456789012345678901";  // E2
    const auto a8 = authenticate_channel({kKey, kSecret, master}, "private-encrypted-foobar",
                                         kSocket, std::nullopt);
    EXPECT_EQ(signature_of(a8.auth),
              "e6a18892d037c5d5e76a2265df4f086ffc38631605530dfd214aa5bff495f533");
    EXPECT_EQ(*a8.shared_secret, "Uedy6frF2/3cz/oMziDQ0pGdahMvE50/N0xZ8eKYEIg=");
}

TEST(AuthVectors, NodeSuiteCredentials) {
    const SigningKeys keys{"aaaa", "tofu", std::nullopt};
    EXPECT_EQ(signature_of(authenticate_channel(keys, "test", "123.456", std::nullopt).auth),
              "efa6cf7644a0b35cba36aa0f776f3cbf7bb60e95ea2696bde1dbe8403b61bd7c");
    EXPECT_EQ(
            signature_of(authenticate_user(keys, "123.456", Json::object({{"id", "45678"}})).auth),
            "f4b1fdeea7c93e32648c7230e32b172057c5623cace6cfce791c6e7035e0babd");
}

TEST(EncryptionVectors, SharedSecretAndSealedPayload) {
    const auto e1 = decode_master_key("zyrm8pvV2C9fJcBfhyXzvxbJVN/H7QLmbe0xJi1GhPU=");
    ASSERT_TRUE(e1);
    EXPECT_EQ(util::base64_encode(derive_channel_key("private-encrypted-bla", *e1)),
              "nlr49ISQHz91yS3cy/yWmW8wFMNeTnNL5tNHnbPJcLQ=");
    const std::string key =
            derive_channel_key("private-encrypted-foobar", "01234567890123456789012345678901");
    EXPECT_EQ(util::to_hex(key),
              "51e772e9fac5dbfddccffa0cce20d0d2919d6a132f139d3f374c59f1e2981088");
    std::string nonce;
    for (int i = 0; i < 24; ++i) {
        nonce.push_back(static_cast<char>(i));
    }
    const std::string sealed = seal_with_nonce(key, R"({"message":"hello world"})", nonce);
    EXPECT_EQ(
            sealed,
            R"({"nonce":"AAECAwQFBgcICQoLDA0ODxAREhMUFRYX","ciphertext":"6SqJLG3qwWQ4/FE9etFPytwDep5bMe87U2rC/uBuko+aKRNSzgME9V4="})");
    EXPECT_EQ(open(key, sealed), R"({"message":"hello world"})");
}

struct RestVector {
    std::string method, path, extra, body, signature;
    QueryParams params;
};

TEST(RestVectors, TheClientSignsEachDocumentedRequestExactly) {
    const Client client = vector_client();
    const std::string r1 =
            R"({"name":"foo","channels":["project-3"],"data":"{\"some\":\"data\"}"})";
    const std::string r6 =
            R"({"batch":[{"channel":"my-channel-1","name":"my-event-1","data":"{\"hello\":\"world\"}"},{"channel":"presence-foobar","name":"my-event-2","data":"{\"myname\":\"bob\"}","info":"user_count"}]})";
    const std::string r8 =
            R"({"name":"my-event","data":"{\"message\":\"hello world\"}","channels":["#server-to-user-12345"]})";
    const std::vector<RestVector> vectors{
            {"POST",
             "/events",
             "&body_md5=ec365a775a4cd0599faeb73354201b6f",
             r1,
             "da454824c97ba181a32ccc17a72625ba02771f50b50e1e7430e47a1f3f457e6c",
             {}},
            {"GET",
             "/channels",
             "&filter_by_prefix=presence-&info=user_count",
             "",
             "16819168891cb5dfd72b5c7a5d3d602605b26c6ba1930033b5e2eeeb65010291",
             {{"filter_by_prefix", "presence-"}, {"info", "user_count"}}},
            {"GET",
             "/channels/presence-foobar",
             "&info=user_count,subscription_count",
             "",
             "377ee9260ea002a70c0d40cd887d55cb36db9f7f821297f5efacbcce66be356d",
             {{"info", "user_count,subscription_count"}}},
            {"GET",
             "/channels/presence-foobar/users",
             "",
             "",
             "5567dd30e7f8575e66be615d2aac3f608a0c311c31ddab8513a278b022e9597e",
             {}},
            {"POST",
             "/batch_events",
             "&body_md5=9c47551709c538c878c1eebddf3ec810",
             r6,
             "5d04a519354119f80892b7f7a07581bba4181d0f0ea7dfdc6bff76a28ffcd438",
             {}},
            {"POST",
             "/users/12345/terminate_connections",
             "&body_md5=99914b932bd37a50b983c5e7c90ae93b",
             "{}",
             "01fa634edeb0cae84115307cad5c23f65a46cd286461b1c89637a3b5871a8f0e",
             {}},
            {"POST",
             "/events",
             "&body_md5=d1f508b1452ae8c6c1276aadbb22069a",
             r8,
             "d3e77dce7027ed0d9915c6e1a032edbac88be792ffd377c2247a497ab8cda3bc",
             {}},
    };
    for (const RestVector& v : vectors) {
        const SignedRequest request = client.signed_request(v.method, v.path, v.params, v.body);
        EXPECT_EQ(request.path, "/apps/3" + v.path);
        EXPECT_EQ(request.query, kAuthParams + v.extra + "&auth_signature=" + v.signature)
                << v.method << " " << v.path;
        EXPECT_EQ(request.body, v.body);
    }
}

TEST(RestVectors, BodiesAreWrittenInTheNodeSdkOrder) {
    EXPECT_EQ(
            trigger_body({"#server-to-user-12345"}, "my-event", R"({"message":"hello world"})", {}),
            R"({"name":"my-event","data":"{\"message\":\"hello world\"}","channels":["#server-to-user-12345"]})");
    EXPECT_EQ(
            batch_body(
                    {{"my-channel-1", "my-event-1", R"({"hello":"world"})", {}, {}},
                     {"presence-foobar", "my-event-2", R"({"myname":"bob"})", {}, "user_count"}}),
            R"({"batch":[{"channel":"my-channel-1","name":"my-event-1","data":"{\"hello\":\"world\"}"},{"channel":"presence-foobar","name":"my-event-2","data":"{\"myname\":\"bob\"}","info":"user_count"}]})");
    EXPECT_EQ(
            trigger_body({"a", "b"}, "e", "d", {"1.2", "user_count"}),
            R"({"name":"e","data":"d","channels":["a","b"],"socket_id":"1.2","info":"user_count"})");
}

TEST(RestVectors, NodeSuiteVectorR9AndGemVectorR10) {
    EXPECT_EQ(sign_request("f00d", "tofu", "GET", "/event", {}, "example body", 1234567890).query,
              "auth_key=f00d&auth_timestamp=1234567890&auth_version=1.0&body_md5="
              "165d5e6d7ca8f73b3853ce45addf42fc&auth_signature="
              "a650196dc427ebe837226f8565ca9232198c6d1b9455eaa72374a9dc0b620e7b");
    EXPECT_EQ(sign_request("key", "secret", "POST", "/some/path",
                           {{"query", "params"}, {"go", "here"}}, "", 1234)
                      .query,
              "auth_key=key&auth_timestamp=1234&auth_version=1.0&go=here&query=params&"
              "auth_signature=3b237953a5ba6619875cbb2a2d43e8da9ef5824e8a2c689f6284ac85bc1ea0db");
}

Headers webhook_headers(std::string_view signature) {
    return {{"Content-Type", "application/json"},
            {"X-Pusher-Key", std::string(kKey)},
            {"X-Pusher-Signature", std::string(signature)}};
}

TEST(WebhookVectors, W1AndW2VerifyAndTheirEventsRead) {
    const std::string w1 =
            R"({"time_ms":1327078148132,"events":[{"name":"channel_occupied","channel":"my-channel"}]})";
    const std::string w1_sig = "c19001ae3963ccb13bf618e5b16ba9848e7e74df0993aa0689168e341c6833cf";
    EXPECT_EQ(webhook_signature(kSecret, w1), w1_sig);
    const Webhook hook({{std::string(kKey), std::string(kSecret)}}, webhook_headers(w1_sig), w1);
    ASSERT_TRUE(hook.valid()) << hook.problem();
    EXPECT_EQ(hook.time_ms(), 1327078148132);
    ASSERT_EQ(hook.events().size(), 1U);
    EXPECT_EQ(hook.events()[0].name, "channel_occupied");
    EXPECT_EQ(hook.events()[0].channel, "my-channel");

    const std::string w2 =
            R"({"time_ms":1327078148132,"events":[{"name":"client_event","channel":"private-chat","event":"client-typing","data":"{\"who\":\"bob\"}","socket_id":"1234.1234"},{"name":"member_added","channel":"presence-foobar","user_id":"10"}]})";
    const Webhook hook2(
            {{std::string(kKey), std::string(kSecret)}},
            webhook_headers("b374488486f9f8e928f6375c7691f5f3b47b30e93f192701f3dc69ac202d3b18"),
            w2);
    ASSERT_TRUE(hook2.valid()) << hook2.problem();
    const auto events = hook2.events();
    ASSERT_EQ(events.size(), 2U);
    EXPECT_EQ(events[0].event, "client-typing");
    EXPECT_EQ(events[0].data, R"({"who":"bob"})");
    EXPECT_EQ(events[0].socket_id, "1234.1234");
    EXPECT_EQ(events[1].user_id, "10");
}

}  // namespace
}  // namespace herald::sdk
