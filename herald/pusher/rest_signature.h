// herald/pusher/rest_signature.h
//
// REST API request signing and verification (protocol.md §8.2): query parsing with form
// decoding, the canonical query, the string to sign "METHOD\nPATH\nQUERY", body_md5, the
// timestamp window and auth_version. The current time is a parameter: no clocks in here.
// Owner: none (pure functions).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "herald/pusher/limits.h"

namespace herald::pusher {

struct QueryParam {
    std::string key;
    std::string value;
    friend bool operator==(const QueryParam&, const QueryParam&) = default;
};

using QueryParams = std::vector<QueryParam>;

// Escapes everything but RFC 3986 unreserved characters and ',' as %XX (upper-case hex).
[[nodiscard]] std::string percent_encode(std::string_view text);

// Escapes every byte `keep` refuses as %XX (upper-case hex): another set of characters kept
// as they are, such as a URL path segment's.
[[nodiscard]] std::string percent_encode(std::string_view text, bool (*keep)(char) noexcept);

// §8.2 verification step 2: split on '&' (empty elements skipped), each element at its first
// '=', both sides form-decoded. Duplicates stay, in order.
[[nodiscard]] QueryParams parse_query(std::string_view raw_query);

// §8.2 signing steps 1-4: keys lower-cased, every auth_signature dropped, stable-sorted by key
// (byte order), joined as key=value with '&' using the unescaped values.
[[nodiscard]] std::string canonical_query(const QueryParams& params);

// §8.2 signing step 5: upper-case method, '\n', path, '\n', canonical query.
[[nodiscard]] std::string rest_string_to_sign(std::string_view method, std::string_view path,
                                              std::string_view canonical_query);

// Lowercase hex MD5 of the exact body bytes.
[[nodiscard]] std::string body_md5(std::string_view body);

inline constexpr std::string_view kAuthVersion = "1.0";

// The client side (§8.2 signing, SDK recommendations): `params` plus auth_key, auth_timestamp,
// auth_version and, for a non-empty body, body_md5; lower-case keys, sorted, values
// percent-encoded, auth_signature last. Returns the query string without '?'.
[[nodiscard]] std::string signed_query(std::string_view key, std::string_view secret,
                                       std::string_view method, std::string_view path,
                                       const QueryParams& params, std::string_view body,
                                       std::int64_t timestamp);

enum class RestAuthError : std::uint8_t {
    MissingAuthKey,
    MissingTimestamp,
    MissingVersion,
    MissingSignature,
    WrongKey,            // auth_key is not the app's key
    UnsupportedVersion,  // auth_version is not 1.0
    BadTimestamp,        // not a decimal integer
    TimestampExpired,    // |now - auth_timestamp| >= the window
    MissingBodyMd5,      // non-empty body without body_md5
    BodyMd5Mismatch,
    BadSignature,
};

// What verification needs of a request. `path` is percent-decoded, as the client signed it.
struct RestRequest {
    std::string_view method;
    std::string_view path;
    std::string_view raw_query;  // after '?', still encoded
    std::string_view body;
};

struct RestVerdict {
    std::optional<RestAuthError> error;  // nullopt: the request is authentic
    std::string string_to_sign;          // filled once the signature step is reached
    std::string signature;               // the auth_signature the client sent
    std::int64_t timestamp = 0;          // the auth_timestamp, when it parsed
};

// §8.2 verification steps 3-9, in that order; the first failure is reported.
[[nodiscard]] RestVerdict verify_rest_request(const RestRequest& request, std::string_view key,
                                              std::string_view secret, std::int64_t now,
                                              std::chrono::seconds window = kRestTimestampWindow);

// verify_rest_request() with buffers kept from one request to the next: once they have grown to
// the size of the requests it sees, verifying allocates nothing (the query's parameters, the
// canonical query, the string to sign, the digests). One per thread.
class RestVerifier {
public:
    // The verdict lives in the verifier, until the next call.
    [[nodiscard]] const RestVerdict& verify(const RestRequest& request, std::string_view key,
                                            std::string_view secret, std::int64_t now,
                                            std::chrono::seconds window = kRestTimestampWindow);

private:
    QueryParams params_;  // the first count_ are this request's; the rest keep their capacity
    std::size_t count_ = 0;
    std::vector<std::uint32_t> order_;
    std::string canonical_;
    RestVerdict verdict_;
};

// The 401 body text (§8.1): hosted's wording for signatures and expired timestamps, a short
// sentence for the rest.
[[nodiscard]] std::string rest_auth_message(const RestVerdict& verdict, std::int64_t now,
                                            std::chrono::seconds window = kRestTimestampWindow);

}  // namespace herald::pusher
