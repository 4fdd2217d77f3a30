#include "herald/pusher/rest_signature.h"

#include <algorithm>
#include <cstdio>
#include <span>

#include "herald/pusher/auth.h"
#include "herald/util/ascii.h"
#include "herald/util/digest.h"
#include "herald/util/parse.h"

namespace herald::pusher {

namespace {

bool is_unreserved(char c) noexcept {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_' || c == '~' || c == ',';
}

using Params = std::span<const QueryParam>;

// The first value of a parameter whose key is `name` in any letter case.
const std::string* find_param(Params params, std::string_view name) {
    const auto it = std::find_if(params.begin(), params.end(), [name](const QueryParam& p) {
        return util::iequals(p.key, name);
    });
    return it == params.end() ? nullptr : &it->value;
}

// Seconds since the epoch as decimal digits: a sign is not part of a timestamp.
std::optional<std::int64_t> parse_timestamp(std::string_view text) {
    if (text.starts_with('-')) {
        return std::nullopt;
    }
    return util::parse_integer<std::int64_t>(text);
}

// |a - b| without overflow.
std::uint64_t distance(std::int64_t a, std::int64_t b) noexcept {
    const auto ua = static_cast<std::uint64_t>(a);
    const auto ub = static_cast<std::uint64_t>(b);
    return a > b ? ua - ub : ub - ua;
}

// The auth parameters of §8.2 step 3, all present, or the first one missing.
struct AuthParams {
    const std::string* key = nullptr;
    const std::string* timestamp = nullptr;
    const std::string* version = nullptr;
    const std::string* signature = nullptr;
};

std::optional<RestAuthError> find_auth_params(Params params, AuthParams& out) {
    out = {find_param(params, "auth_key"), find_param(params, "auth_timestamp"),
           find_param(params, "auth_version"), find_param(params, "auth_signature")};
    if (out.key == nullptr) {
        return RestAuthError::MissingAuthKey;
    }
    if (out.timestamp == nullptr) {
        return RestAuthError::MissingTimestamp;
    }
    if (out.version == nullptr) {
        return RestAuthError::MissingVersion;
    }
    if (out.signature == nullptr) {
        return RestAuthError::MissingSignature;
    }
    return std::nullopt;
}

// §8.2 steps 4-6: the key, the version and the timestamp window.
std::optional<RestAuthError> check_auth_params(const AuthParams& auth, std::string_view key,
                                               std::optional<std::int64_t> timestamp,
                                               std::int64_t now, std::chrono::seconds window) {
    if (*auth.key != key) {
        return RestAuthError::WrongKey;
    }
    if (*auth.version != kAuthVersion) {
        return RestAuthError::UnsupportedVersion;
    }
    if (!timestamp) {
        return RestAuthError::BadTimestamp;
    }
    if (distance(now, *timestamp) >= static_cast<std::uint64_t>(window.count())) {
        return RestAuthError::TimestampExpired;
    }
    return std::nullopt;
}

// §8.2 step 7: a non-empty body needs a matching body_md5; an empty one may carry the MD5 of
// nothing (the Python SDK sends it on GETs). Compared case-insensitively.
std::optional<RestAuthError> check_body(Params params, std::string_view body) {
    const std::string* given = find_param(params, "body_md5");
    if (given == nullptr) {
        return body.empty() ? std::nullopt : std::optional{RestAuthError::MissingBodyMd5};
    }
    return util::iequals(*given, util::view(util::md5_hex(body)))
                   ? std::nullopt
                   : std::optional{RestAuthError::BodyMd5Mismatch};
}

// Stable, in place, allocates nothing.
template <typename Less>
void insertion_sort(std::vector<std::uint32_t>& items, Less less) {
    for (std::size_t i = 1; i < items.size(); ++i) {
        const std::uint32_t moving = items[i];
        std::size_t at = i;
        for (; at > 0 && less(moving, items[at - 1]); --at) {
            items[at] = items[at - 1];
        }
        items[at] = moving;
    }
}

// §8.2 signing steps 1-4 over `params`, whose keys it lower-cases in place: the order of the
// kept parameters goes to `order`, the text to `out`.
void write_canonical_query(std::span<QueryParam> params, std::vector<std::uint32_t>& order,
                           std::string& out) {
    order.clear();
    for (std::size_t i = 0; i < params.size(); ++i) {
        util::lower_in_place(params[i].key);
        if (params[i].key != "auth_signature") {
            order.push_back(static_cast<std::uint32_t>(i));
        }
    }
    const auto before = [&params](std::uint32_t a, std::uint32_t b) {
        return params[a].key < params[b].key;
    };
    // A query has a handful of parameters: a stable insertion sort, as std::stable_sort would
    // allocate its buffer on every request. A long query (anyone may send one) gets the
    // n log n sort instead of n squared comparisons.
    constexpr std::size_t kInsertionSortMost = 32;
    if (order.size() > kInsertionSortMost) {
        std::stable_sort(order.begin(), order.end(), before);
    } else {
        insertion_sort(order, before);
    }
    out.clear();
    for (const std::uint32_t i : order) {
        out.append(out.empty() ? "" : "&")
                .append(params[i].key)
                .append("=")
                .append(params[i].value);
    }
}

void write_string_to_sign(std::string_view method, std::string_view path,
                          std::string_view canonical, std::string& text) {
    text.clear();
    text.reserve(method.size() + path.size() + canonical.size() + 2);
    for (const char c : method) {
        text.push_back(c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c);
    }
    text.append("\n").append(path).append("\n").append(canonical);
}

// Splits and decodes `raw_query` into `params`, reusing its elements; returns how many it holds.
std::size_t read_query(std::string_view raw_query, QueryParams& params) {
    std::size_t count = 0;
    while (!raw_query.empty()) {
        const auto amp = raw_query.find('&');
        const auto element = raw_query.substr(0, amp);
        raw_query = amp == std::string_view::npos ? std::string_view{} : raw_query.substr(amp + 1);
        if (element.empty()) {
            continue;
        }
        if (count == params.size()) {
            params.emplace_back();
        }
        const auto eq = element.find('=');
        const auto value =
                eq == std::string_view::npos ? std::string_view{} : element.substr(eq + 1);
        util::percent_decode_into(params[count].key, element.substr(0, eq), true);
        util::percent_decode_into(params[count].value, value, true);
        ++count;
    }
    return count;
}

// "2012-11-16T17:49:39Z" for the expiry message; the bare number outside years 1970-9999.
std::string iso8601(std::int64_t unix_seconds) {
    constexpr std::int64_t kYear10000 = 253402300800;
    if (unix_seconds < 0 || unix_seconds >= kYear10000) {
        return std::to_string(unix_seconds);
    }
    const std::chrono::sys_seconds time{std::chrono::seconds{unix_seconds}};
    const auto day = std::chrono::floor<std::chrono::days>(time);
    const std::chrono::year_month_day date{day};
    const std::chrono::hh_mm_ss clock{time - day};
    char text[32];
    std::snprintf(text, sizeof text, "%04d-%02u-%02uT%02ld:%02ld:%02ldZ",
                  static_cast<int>(date.year()), static_cast<unsigned>(date.month()),
                  static_cast<unsigned>(date.day()), static_cast<long>(clock.hours().count()),
                  static_cast<long>(clock.minutes().count()),
                  static_cast<long>(clock.seconds().count()));
    return text;
}

}  // namespace

std::string percent_encode(std::string_view text) {
    return percent_encode(text, is_unreserved);
}

std::string percent_encode(std::string_view text, bool (*keep)(char) noexcept) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(text.size());
    for (const char c : text) {
        if (keep(c)) {
            out.push_back(c);
            continue;
        }
        const auto b = static_cast<unsigned char>(c);
        out.push_back('%');
        out.push_back(kHex[b >> 4U]);
        out.push_back(kHex[b & 0x0FU]);
    }
    return out;
}

QueryParams parse_query(std::string_view raw_query) {
    QueryParams params;
    params.resize(read_query(raw_query, params));
    return params;
}

std::string canonical_query(const QueryParams& params) {
    QueryParams lowered = params;
    std::vector<std::uint32_t> order;
    std::string out;
    write_canonical_query(lowered, order, out);
    return out;
}

std::string rest_string_to_sign(std::string_view method, std::string_view path,
                                std::string_view canonical) {
    std::string text;
    write_string_to_sign(method, path, canonical, text);
    return text;
}

std::string body_md5(std::string_view body) {
    return util::to_hex(util::md5(body));
}

std::string signed_query(std::string_view key, std::string_view secret, std::string_view method,
                         std::string_view path, const QueryParams& params, std::string_view body,
                         std::int64_t timestamp) {
    QueryParams all = params;
    all.push_back({"auth_key", std::string(key)});
    all.push_back({"auth_timestamp", std::to_string(timestamp)});
    all.push_back({"auth_version", std::string(kAuthVersion)});
    if (!body.empty()) {
        all.push_back({"body_md5", body_md5(body)});
    }
    const std::string signature =
            sign(secret, rest_string_to_sign(method, path, canonical_query(all)));
    for (QueryParam& p : all) {
        p.key = util::to_lower(p.key);
    }
    std::stable_sort(all.begin(), all.end(),
                     [](const QueryParam& a, const QueryParam& b) { return a.key < b.key; });
    std::string out;
    for (const QueryParam& p : all) {
        out.append(percent_encode(p.key)).append("=").append(percent_encode(p.value)).append("&");
    }
    return out.append("auth_signature=").append(signature);
}

RestVerdict verify_rest_request(const RestRequest& request, std::string_view key,
                                std::string_view secret, std::int64_t now,
                                std::chrono::seconds window) {
    RestVerifier verifier;
    return verifier.verify(request, key, secret, now, window);
}

const RestVerdict& RestVerifier::verify(const RestRequest& request, std::string_view key,
                                        std::string_view secret, std::int64_t now,
                                        std::chrono::seconds window) {
    RestVerdict& verdict = verdict_;
    verdict.string_to_sign.clear();
    verdict.signature.clear();
    verdict.timestamp = 0;
    count_ = read_query(request.raw_query, params_);
    const std::span<QueryParam> params(params_.data(), count_);
    AuthParams auth;
    verdict.error = find_auth_params(params, auth);
    if (verdict.error) {
        return verdict;
    }
    verdict.signature = *auth.signature;
    const auto timestamp = parse_timestamp(*auth.timestamp);
    verdict.timestamp = timestamp.value_or(0);
    verdict.error = check_auth_params(auth, key, timestamp, now, window);
    if (!verdict.error) {
        verdict.error = check_body(params, request.body);
    }
    if (verdict.error) {
        return verdict;
    }
    write_canonical_query(params, order_, canonical_);
    write_string_to_sign(request.method, request.path, canonical_, verdict.string_to_sign);
    const auto expected = util::hmac_sha256_hex(secret, verdict.string_to_sign);
    if (!util::constant_time_equals(util::view(expected), verdict.signature)) {
        verdict.error = RestAuthError::BadSignature;
    }
    return verdict;
}

std::string rest_auth_message(const RestVerdict& verdict, std::int64_t now,
                              std::chrono::seconds window) {
    if (!verdict.error) {
        return "";
    }
    switch (*verdict.error) {
        case RestAuthError::MissingAuthKey:
            return "Missing auth_key";
        case RestAuthError::MissingTimestamp:
            return "Missing auth_timestamp";
        case RestAuthError::MissingVersion:
            return "Missing auth_version";
        case RestAuthError::MissingSignature:
            return "Missing auth_signature";
        case RestAuthError::WrongKey:
            return "Unknown auth_key";
        case RestAuthError::UnsupportedVersion:
            return "Unsupported auth_version, use 1.0";
        case RestAuthError::BadTimestamp:
            return "auth_timestamp is not an integer";
        case RestAuthError::TimestampExpired:
            return "Timestamp expired: Given timestamp (" + iso8601(verdict.timestamp) +
                   ") not within " + std::to_string(window.count()) + "s of server time (" +
                   iso8601(now) + ")";
        case RestAuthError::MissingBodyMd5:
            return "Missing body_md5 for a request with a body";
        case RestAuthError::BodyMd5Mismatch:
            return "body_md5 does not match the body";
        case RestAuthError::BadSignature:
            return "Invalid signature: you should have sent HmacSHA256Hex(\"" +
                   verdict.string_to_sign + "\", your_secret_key), but you sent \"" +
                   verdict.signature + "\"";
    }
    return "Unauthorized";
}

}  // namespace herald::pusher
