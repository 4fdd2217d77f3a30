// herald/cluster/redis_url.cpp
#include "herald/cluster/redis_url.h"

#include <charconv>

namespace herald::cluster {

namespace {

constexpr unsigned kMaxDb = 1U << 16U;

RedisUrlResult fail(std::string why) {
    return RedisUrlResult{std::nullopt, std::move(why)};
}

template <class T>
bool to_number(std::string_view text, T& out) {
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return !text.empty() && ec == std::errc{} && end == text.data() + text.size();
}

std::string percent_decode(std::string_view text) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        unsigned value = 0;
        const auto hex = i + 2 < text.size() ? text.substr(i + 1, 2) : std::string_view{};
        const auto [end, ec] = std::from_chars(hex.data(), hex.data() + hex.size(), value, 16);
        if (text[i] == '%' && hex.size() == 2 && ec == std::errc{} &&
            end == hex.data() + hex.size()) {
            out += static_cast<char>(value);
            i += 2;
        } else {
            out += text[i];
        }
    }
    return out;
}

}  // namespace

RedisUrlResult parse_redis_url(std::string_view url) {
    constexpr std::string_view kScheme = "redis://";
    if (url.starts_with("rediss://")) {
        return fail(
                "rediss:// (TLS to Redis) is not supported by this build's hiredis 0.14; "
                "use redis:// on a trusted network or a TLS tunnel (stunnel, spiped)");
    }
    if (!url.starts_with(kScheme)) {
        return fail("a Redis URL starts with redis://, e.g. redis://127.0.0.1:6379/0");
    }
    auto rest = url.substr(kScheme.size());
    RedisEndpoint endpoint;
    if (const auto at = rest.rfind('@'); at != std::string_view::npos) {
        const auto credentials = rest.substr(0, at);
        rest.remove_prefix(at + 1);
        const auto colon = credentials.find(':');
        if (colon == std::string_view::npos) {
            return fail("credentials in a Redis URL are written :password@ or user:password@");
        }
        if (colon > 0) {
            endpoint.username = percent_decode(credentials.substr(0, colon));
        }
        endpoint.password = percent_decode(credentials.substr(colon + 1));
    }
    if (const auto slash = rest.find('/'); slash != std::string_view::npos) {
        const auto db = rest.substr(slash + 1);
        rest = rest.substr(0, slash);
        if (!db.empty() && (!to_number(db, endpoint.db) || endpoint.db >= kMaxDb)) {
            return fail("the database in a Redis URL is a number, e.g. redis://host:6379/0");
        }
    }
    std::string_view host = rest;
    std::string_view port;
    if (rest.starts_with('[')) {
        const auto close = rest.find(']');
        if (close == std::string_view::npos) {
            return fail("unclosed [ in the Redis URL's IPv6 address");
        }
        host = rest.substr(1, close - 1);
        const auto after = rest.substr(close + 1);
        if (!after.empty() && !after.starts_with(':')) {
            return fail("expected :port after the IPv6 address in the Redis URL");
        }
        port = after.empty() ? after : after.substr(1);
    } else if (const auto colon = rest.rfind(':'); colon != std::string_view::npos) {
        host = rest.substr(0, colon);
        port = rest.substr(colon + 1);
    }
    if (host.empty()) {
        return fail("the Redis URL has no host, e.g. redis://127.0.0.1:6379/0");
    }
    endpoint.host = std::string(host);
    if (!port.empty() && (!to_number(port, endpoint.port) || endpoint.port == 0)) {
        return fail("the port in the Redis URL must be a number from 1 to 65535");
    }
    return RedisUrlResult{std::move(endpoint), {}};
}

std::string describe(const RedisEndpoint& endpoint) {
    auto out = std::string("redis://");
    if (endpoint.password) {
        out += endpoint.username.value_or("");
        out += ":***@";
    }
    out += endpoint.host.find(':') != std::string::npos ? "[" + endpoint.host + "]" : endpoint.host;
    out += ':' + std::to_string(endpoint.port) + '/' + std::to_string(endpoint.db);
    return out;
}

}  // namespace herald::cluster
