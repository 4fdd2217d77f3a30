#include "herald/pusher/rest_signature.h"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <limits>
#include <string>

#include "tests/support/counting_new.h"
#include <gtest/gtest.h>

#include "herald/pusher/auth.h"
#include "herald/util/ascii.h"
#include "herald/util/parse.h"

namespace herald::pusher {
namespace {

// protocol.md §8.12 credentials.
constexpr std::string_view kKey = "278d425bdf160c739803";
constexpr std::string_view kSecret = "7ad3773142a6692b25b8";
constexpr std::int64_t kTime = 1353088179;
const std::string kAuth =
        "auth_key=278d425bdf160c739803&auth_timestamp=1353088179&auth_version=1.0";

struct Vector {
    std::string method, path, extra_query, body, to_sign, signature;
};

// R1-R8, with the query as the client sends it (extra_query is appended to the auth params).
std::vector<Vector> vectors() {
    const std::string r1_body =
            R"({"name":"foo","channels":["project-3"],"data":"{\"some\":\"data\"}"})";
    const std::string r6_body =
            R"({"batch":[{"channel":"my-channel-1","name":"my-event-1","data":"{\"hello\":\"world\"}"},{"channel":"presence-foobar","name":"my-event-2","data":"{\"myname\":\"bob\"}","info":"user_count"}]})";
    const std::string r8_body =
            R"({"name":"my-event","data":"{\"message\":\"hello world\"}","channels":["#server-to-user-12345"]})";
    return {
            {"POST", "/apps/3/events", "&body_md5=ec365a775a4cd0599faeb73354201b6f", r1_body,
             "POST\n/apps/3/events\n" + kAuth + "&body_md5=ec365a775a4cd0599faeb73354201b6f",
             "da454824c97ba181a32ccc17a72625ba02771f50b50e1e7430e47a1f3f457e6c"},
            {"GET", "/apps/3/channels", "&filter_by_prefix=presence-&info=user_count", "",
             "GET\n/apps/3/channels\n" + kAuth + "&filter_by_prefix=presence-&info=user_count",
             "16819168891cb5dfd72b5c7a5d3d602605b26c6ba1930033b5e2eeeb65010291"},
            {"GET", "/apps/3/channels/presence-foobar", "&info=user_count,subscription_count", "",
             "GET\n/apps/3/channels/presence-foobar\n" + kAuth +
                     "&info=user_count,subscription_count",
             "377ee9260ea002a70c0d40cd887d55cb36db9f7f821297f5efacbcce66be356d"},
            {"GET", "/apps/3/channels/presence-foobar/users", "", "",
             "GET\n/apps/3/channels/presence-foobar/users\n" + kAuth,
             "5567dd30e7f8575e66be615d2aac3f608a0c311c31ddab8513a278b022e9597e"},
            {"GET", "/apps/3/channels", "&body_md5=d41d8cd98f00b204e9800998ecf8427e", "",
             "GET\n/apps/3/channels\n" + kAuth + "&body_md5=d41d8cd98f00b204e9800998ecf8427e",
             "5c3cd75022c4f62c35ad22f6a9cce366c860477a3b7092ca790ecfc17e6af302"},
            {"POST", "/apps/3/batch_events", "&body_md5=9c47551709c538c878c1eebddf3ec810", r6_body,
             "POST\n/apps/3/batch_events\n" + kAuth + "&body_md5=9c47551709c538c878c1eebddf3ec810",
             "5d04a519354119f80892b7f7a07581bba4181d0f0ea7dfdc6bff76a28ffcd438"},
            {"POST", "/apps/3/users/12345/terminate_connections",
             "&body_md5=99914b932bd37a50b983c5e7c90ae93b", "{}",
             "POST\n/apps/3/users/12345/terminate_connections\n" + kAuth +
                     "&body_md5=99914b932bd37a50b983c5e7c90ae93b",
             "01fa634edeb0cae84115307cad5c23f65a46cd286461b1c89637a3b5871a8f0e"},
            {"POST", "/apps/3/events", "&body_md5=d1f508b1452ae8c6c1276aadbb22069a", r8_body,
             "POST\n/apps/3/events\n" + kAuth + "&body_md5=d1f508b1452ae8c6c1276aadbb22069a",
             "d3e77dce7027ed0d9915c6e1a032edbac88be792ffd377c2247a497ab8cda3bc"},
    };
}

RestVerdict verify(const Vector& v, std::string_view query, std::int64_t now = kTime) {
    return verify_rest_request({v.method, v.path, query, v.body}, kKey, kSecret, now);
}

TEST(RestVectors, StringsToSignAndSignaturesMatch) {
    for (const Vector& v : vectors()) {
        const std::string query = kAuth + v.extra_query;
        EXPECT_EQ(rest_string_to_sign(v.method, v.path, canonical_query(parse_query(query))),
                  v.to_sign);
        EXPECT_EQ(sign(kSecret, v.to_sign), v.signature) << v.path;
        if (!v.body.empty()) {
            EXPECT_EQ("&body_md5=" + body_md5(v.body), v.extra_query);
        }
    }
}

TEST(RestVectors, SignedRequestsVerify) {
    for (const Vector& v : vectors()) {
        const std::string query = kAuth + v.extra_query + "&auth_signature=" + v.signature;
        const RestVerdict verdict = verify(v, query);
        EXPECT_FALSE(verdict.error) << v.path << ": " << rest_auth_message(verdict, kTime);
        EXPECT_EQ(verdict.string_to_sign, v.to_sign);
    }
}

TEST(RestVectors, ClientSigningReproducesTheDocumentedRequest) {
    const Vector r1 = vectors()[0];
    EXPECT_EQ(signed_query(kKey, kSecret, "POST", "/apps/3/events", {}, r1.body, kTime),
              "auth_key=278d425bdf160c739803&auth_timestamp=1353088179&auth_version=1.0&body_md5="
              "ec365a775a4cd0599faeb73354201b6f&auth_signature="
              "da454824c97ba181a32ccc17a72625ba02771f50b50e1e7430e47a1f3f457e6c");
    const QueryParams r3 = {{"info", "user_count,subscription_count"}};
    EXPECT_EQ(signed_query(kKey, kSecret, "get", "/apps/3/channels/presence-foobar", r3, "", kTime),
              kAuth + "&info=user_count,subscription_count&auth_signature="
                      "377ee9260ea002a70c0d40cd887d55cb36db9f7f821297f5efacbcce66be356d");
}

TEST(RestVectors, NodeSdkVectorR9) {
    const std::string query =
            signed_query("f00d", "tofu", "GET", "/event", {}, "example body", 1234567890);
    EXPECT_EQ(query,
              "auth_key=f00d&auth_timestamp=1234567890&auth_version=1.0&body_md5="
              "165d5e6d7ca8f73b3853ce45addf42fc&auth_signature="
              "a650196dc427ebe837226f8565ca9232198c6d1b9455eaa72374a9dc0b620e7b");
    EXPECT_FALSE(verify_rest_request({"GET", "/event", query, "example body"}, "f00d", "tofu",
                                     1234567890)
                         .error);
}

TEST(RestVectors, SignatureGemVectorR10SortsExtraParameters) {
    const QueryParams params = {{"query", "params"}, {"go", "here"}};
    const std::string query = signed_query("key", "secret", "POST", "/some/path", params, "", 1234);
    EXPECT_EQ(query,
              "auth_key=key&auth_timestamp=1234&auth_version=1.0&go=here&query=params&"
              "auth_signature=3b237953a5ba6619875cbb2a2d43e8da9ef5824e8a2c689f6284ac85bc1ea0db");
    EXPECT_EQ(rest_string_to_sign("POST", "/some/path", canonical_query(parse_query(query))),
              "POST\n/some/"
              "path\nauth_key=key&auth_timestamp=1234&auth_version=1.0&go=here&query=params");
}

TEST(CanonicalQuery, LowerCasesKeysSortsStablyAndDropsTheSignature) {
    // The documentation's example: Name=Something else signs as name=Something else.
    EXPECT_EQ(canonical_query(parse_query("Name=Something+else&auth_key=foo")),
              "auth_key=foo&name=Something else");
    EXPECT_EQ(canonical_query(parse_query("b=2&a=2&a=1&AUTH_SIGNATURE=x&auth_signature=y&A=0")),
              "a=2&a=1&a=0&b=2");
    EXPECT_EQ(canonical_query({}), "");
    EXPECT_EQ(canonical_query(parse_query("flag&x=")), "flag=&x=");
}

TEST(CanonicalQuery, IsIdempotent) {
    for (const char* raw : {"b=1&a=2", "Z=1&z=2&a=%26", "x=%3D%2B&y=a+b", "k=v&k=w&K=u"}) {
        const std::string once = canonical_query(parse_query(raw));
        const std::string twice = canonical_query(parse_query(once));
        EXPECT_EQ(canonical_query(parse_query(twice)), twice) << raw;
    }
}

TEST(ParseQuery, FormDecodesKeysAndValues) {
    EXPECT_EQ(parse_query("a=1&&b=x%20y+z&c&d=e=f&%41=%zz&e=%4"), (QueryParams{{"a", "1"},
                                                                               {"b", "x y z"},
                                                                               {"c", ""},
                                                                               {"d", "e=f"},
                                                                               {"A", "%zz"},
                                                                               {"e", "%4"}}));
    EXPECT_EQ(parse_query(""), QueryParams{});
    EXPECT_EQ(parse_query("&"), QueryParams{});
    EXPECT_EQ(parse_query("=v"), (QueryParams{{"", "v"}}));
}

TEST(PercentCoding, RoundTripsEveryByte) {
    std::string all;
    for (int b = 0; b < 256; ++b) {
        all.push_back(static_cast<char>(b));
    }
    EXPECT_EQ(util::percent_decode(percent_encode(all), true), all);
    EXPECT_EQ(percent_encode("a b,c~d/e"), "a%20b,c~d%2Fe");
    EXPECT_EQ(util::percent_decode("a+b%2b%2B", false), "a+b++");
    EXPECT_EQ(util::percent_decode("%", true), "%");
    EXPECT_EQ(util::percent_decode("%a", true), "%a");
    EXPECT_EQ(util::percent_decode("%ag", true), "%ag");
}

TEST(RestVerify, TimestampWindowIsStrict) {
    const Vector v = vectors()[3];
    const std::string query = kAuth + "&auth_signature=" + v.signature;
    EXPECT_FALSE(verify(v, query, kTime + 599).error);
    EXPECT_FALSE(verify(v, query, kTime - 599).error);
    EXPECT_EQ(verify(v, query, kTime + 600).error, RestAuthError::TimestampExpired);
    EXPECT_EQ(verify(v, query, kTime - 600).error, RestAuthError::TimestampExpired);
    EXPECT_EQ(verify(v, query, std::numeric_limits<std::int64_t>::min()).error,
              RestAuthError::TimestampExpired);
    EXPECT_EQ(verify_rest_request({v.method, v.path, query, ""}, kKey, kSecret, kTime + 10,
                                  std::chrono::seconds{10})
                      .error,
              RestAuthError::TimestampExpired);
}

TEST(RestVerify, ReportsMissingParametersInOrder) {
    const Vector v = vectors()[3];
    EXPECT_EQ(verify(v, "").error, RestAuthError::MissingAuthKey);
    EXPECT_EQ(verify(v, "auth_key=k").error, RestAuthError::MissingTimestamp);
    EXPECT_EQ(verify(v, "auth_key=k&auth_timestamp=1").error, RestAuthError::MissingVersion);
    EXPECT_EQ(verify(v, kAuth).error, RestAuthError::MissingSignature);
}

TEST(RestVerify, ChecksKeyAndVersion) {
    const Vector v = vectors()[3];
    const std::string sig = "&auth_signature=" + v.signature;
    EXPECT_EQ(verify(v, "auth_key=other&auth_timestamp=1353088179&auth_version=1.0" + sig).error,
              RestAuthError::WrongKey);
    EXPECT_EQ(verify(v, "auth_key=278d425bdf160c739803&auth_timestamp=1353088179&auth_version=2.0" +
                                sig)
                      .error,
              RestAuthError::UnsupportedVersion);
}

TEST(RestVerify, RequiresADecimalTimestamp) {
    const Vector v = vectors()[3];
    const std::string sig = "&auth_signature=" + v.signature;
    for (const char* ts : {"", "-1", "+1", "1.5", "abc", "1353088179x", "99999999999999999999"}) {
        EXPECT_EQ(verify(v,
                         std::string(
                                 "auth_key=278d425bdf160c739803&auth_version=1.0&auth_timestamp=") +
                                 ts + sig)
                          .error,
                  RestAuthError::BadTimestamp)
                << ts;
    }
}

TEST(RestVerify, ChecksTheBodyMd5) {
    const Vector v = vectors()[3];
    const std::string sig = "&auth_signature=" + v.signature;
    Vector with_body = v;
    with_body.body = "{}";
    EXPECT_EQ(verify(with_body, kAuth + sig).error, RestAuthError::MissingBodyMd5);
    EXPECT_EQ(verify(with_body, kAuth + "&body_md5=d41d8cd98f00b204e9800998ecf8427e" + sig).error,
              RestAuthError::BodyMd5Mismatch);
    EXPECT_EQ(verify(v, kAuth + "&body_md5=99914b932bd37a50b983c5e7c90ae93b" + sig).error,
              RestAuthError::BodyMd5Mismatch);
}

TEST(RestVerify, AcceptsUpperCaseBodyMd5WhenSignedThatWay) {
    const std::string md5 = "&body_md5=99914B932BD37A50B983C5E7C90AE93B";
    const std::string to_sign = "POST\n/apps/3/users/1/terminate_connections\n" + kAuth + md5;
    const std::string query = kAuth + md5 + "&auth_signature=" + sign(kSecret, to_sign);
    EXPECT_FALSE(verify_rest_request({"POST", "/apps/3/users/1/terminate_connections", query, "{}"},
                                     kKey, kSecret, kTime)
                         .error);
}

TEST(RestVerify, RefusesAlteredRequests) {
    const Vector v = vectors()[1];
    const std::string query = kAuth + v.extra_query + "&auth_signature=" + v.signature;
    EXPECT_EQ(verify(v, query + "&extra=1").error, RestAuthError::BadSignature);
    EXPECT_EQ(verify({v.method, "/apps/4/channels", "", "", "", ""}, query).error,
              RestAuthError::BadSignature);
    EXPECT_EQ(verify({"POST", v.path, "", "", "", ""}, query).error, RestAuthError::BadSignature);
    const std::string upper_query = query.substr(0, query.size() - 64) + [&] {
        std::string s = v.signature;
        for (char& c : s) {
            c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        }
        return s;
    }();
    EXPECT_EQ(verify(v, upper_query).error, RestAuthError::BadSignature);
    EXPECT_FALSE(
            verify({"get", v.path, "", "", "", ""}, query).error);  // method case is normalised
}

TEST(RestVerify, FirstOfDuplicatedAuthParametersCounts) {
    const Vector v = vectors()[3];
    const std::string query = kAuth + "&auth_signature=" + v.signature + "&auth_signature=junk";
    EXPECT_FALSE(verify(v, query).error);
}

TEST(RestMessages, FollowTheHostedWording) {
    const Vector v = vectors()[3];
    const std::string bad = kAuth + "&auth_signature=abc";
    const RestVerdict verdict = verify(v, bad);
    EXPECT_EQ(rest_auth_message(verdict, kTime),
              "Invalid signature: you should have sent HmacSHA256Hex(\"" + v.to_sign +
                      "\", your_secret_key), but you sent \"abc\"");
    const RestVerdict expired = verify(v, kAuth + "&auth_signature=" + v.signature, kTime + 600);
    EXPECT_EQ(rest_auth_message(expired, kTime + 600),
              "Timestamp expired: Given timestamp (2012-11-16T17:49:39Z) not within 600s of "
              "server time (2012-11-16T17:59:39Z)");
    EXPECT_EQ(rest_auth_message(verify(v, ""), kTime), "Missing auth_key");
    EXPECT_EQ(rest_auth_message(verify(v, kAuth + "&auth_signature=" + v.signature), kTime), "");
    RestVerdict far;
    far.error = RestAuthError::TimestampExpired;
    far.timestamp = 253402300800;
    EXPECT_NE(rest_auth_message(far, -5).find("(253402300800)"), std::string::npos);
    EXPECT_NE(rest_auth_message(far, -5).find("(-5)"), std::string::npos);
}

// A worker's verifier allocates nothing once it has seen requests of a size: the parameters,
// the canonical query, the string to sign and the digests reuse its buffers. Every vector, and
// a refused signature, verified again on a warm verifier: not one allocation.
TEST(RestVerifier, AllocatesNothingOnceWarm) {
    RestVerifier verifier;
    std::vector<std::string> queries;
    for (const Vector& v : vectors()) {
        queries.push_back(kAuth + v.extra_query + "&auth_signature=" + v.signature);
    }
    const auto all = vectors();
    const auto verify_all = [&] {
        std::size_t accepted = 0;
        for (std::size_t i = 0; i < all.size(); ++i) {
            const RestRequest request{all[i].method, all[i].path, queries[i], all[i].body};
            accepted += verifier.verify(request, kKey, kSecret, kTime).error ? 0U : 1U;
            accepted += verifier.verify(request, kKey, "wrong", kTime).error ? 0U : 1U;
        }
        return accepted;
    };
    ASSERT_EQ(verify_all(), all.size());
    const support::AllocationCounter counter;
    const std::size_t accepted = verify_all();
    EXPECT_EQ(counter.count(), 0U);
    EXPECT_EQ(accepted, all.size());
}

// Short and long queries sort alike: stable, by byte order of the lower-cased key.
TEST(RestVerifier, SortsShortAndLongQueries) {
    for (const int count : {3, 33, 200}) {
        QueryParams params;
        for (int i = count - 1; i >= 0; --i) {
            const std::string key = "K" + std::to_string(i % 10) + "_" + std::to_string(i);
            params.push_back({key, "first"});
            params.push_back({util::to_lower(key), "second"});
        }
        std::vector<std::string> keys;
        for (const auto& p : params) {
            keys.push_back(util::to_lower(p.key));
        }
        std::sort(keys.begin(), keys.end());
        keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
        std::string want;
        for (const auto& key : keys) {
            want += (want.empty() ? "" : "&") + key + "=first&" + key + "=second";
        }
        EXPECT_EQ(canonical_query(params), want) << count;
    }
}

// The verdict of a warm verifier is the one-shot function's, for accepted and refused requests.
TEST(RestVerifier, AgreesWithTheOneShotFunction) {
    RestVerifier verifier;
    for (const Vector& v : vectors()) {
        for (const std::string& query :
             {kAuth + v.extra_query + "&auth_signature=" + v.signature,
              kAuth + v.extra_query + "&auth_signature=00" + v.signature.substr(2), kAuth}) {
            const RestRequest request{v.method, v.path, query, v.body};
            const RestVerdict& warm = verifier.verify(request, kKey, kSecret, kTime);
            const RestVerdict cold = verify_rest_request(request, kKey, kSecret, kTime);
            EXPECT_EQ(warm.error, cold.error) << v.path;
            EXPECT_EQ(warm.string_to_sign, cold.string_to_sign) << v.path;
            EXPECT_EQ(warm.signature, cold.signature) << v.path;
        }
    }
}

}  // namespace
}  // namespace herald::pusher
