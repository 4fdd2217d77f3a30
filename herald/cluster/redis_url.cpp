// herald/cluster/redis_url.cpp
#include "herald/cluster/redis_url.h"

#include "herald/util/parse.h"

namespace herald::cluster {

namespace {

constexpr unsigned kMaxDb = 1U << 16U;

util::unexpected<std::string> fail(std::string why) {
    return util::unexpected(std::move(why));
}

}  // namespace

util::Result<RedisEndpoint, std::string> parse_redis_url(std::string_view url) {
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
            endpoint.username = util::percent_decode(credentials.substr(0, colon));
        }
        endpoint.password = util::percent_decode(credentials.substr(colon + 1));
    }
    if (const auto slash = rest.find('/'); slash != std::string_view::npos) {
        const auto db = rest.substr(slash + 1);
        rest = rest.substr(0, slash);
        if (!db.empty()) {
            const auto number = util::parse_integer<unsigned>(db);
            if (!number || *number >= kMaxDb) {
                return fail("the database in a Redis URL is a number, e.g. redis://host:6379/0");
            }
            endpoint.db = *number;
        }
    }
    const auto authority = util::split_authority(rest);
    if (!authority) {
        return fail(rest.starts_with('[') && rest.find(']') == std::string_view::npos
                            ? "unclosed [ in the Redis URL's IPv6 address"
                            : "expected :port after the IPv6 address in the Redis URL");
    }
    if (authority->host.empty()) {
        return fail("the Redis URL has no host, e.g. redis://127.0.0.1:6379/0");
    }
    endpoint.host = std::string(authority->host);
    // "host:" (an empty port) keeps the default port.
    if (authority->port && !authority->port->empty()) {
        const auto port = util::parse_port(*authority->port);
        if (!port || *port == 0) {
            return fail("the port in the Redis URL must be a number from 1 to 65535");
        }
        endpoint.port = *port;
    }
    return endpoint;
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
