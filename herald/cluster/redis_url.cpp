// herald/cluster/redis_url.cpp
#include "herald/cluster/redis_url.h"

#include "herald/pusher/rest_signature.h"
#include "herald/util/parse.h"

namespace herald::cluster {

namespace {

constexpr unsigned kMaxDb = 1U << 16U;
constexpr std::uint16_t kSentinelPort = 26379;
constexpr std::string_view kShape =
        "redis://, rediss://, redis+sentinel:// or rediss+sentinel://, e.g. "
        "redis://127.0.0.1:6379/0";

util::unexpected<std::string> fail(std::string why) {
    return util::unexpected(std::move(why));
}

util::Result<RedisHost, std::string> parse_host(std::string_view text, std::uint16_t port) {
    const auto authority = util::split_authority(text);
    if (!authority) {
        return fail(text.starts_with('[') && text.find(']') == std::string_view::npos
                            ? "unclosed [ in the Redis URL's IPv6 address"
                            : "expected :port after the IPv6 address in the Redis URL");
    }
    if (authority->host.empty()) {
        return fail("the Redis URL has no host, e.g. redis://127.0.0.1:6379/0");
    }
    RedisHost out{std::string(authority->host), port};
    // "host:" (an empty port) keeps the default port.
    if (authority->port && !authority->port->empty()) {
        const auto number = util::parse_port(*authority->port);
        if (!number || *number == 0) {
            return fail("the port in the Redis URL must be a number from 1 to 65535");
        }
        out.port = *number;
    }
    return out;
}

util::Result<unsigned, std::string> parse_db(std::string_view text) {
    if (text.empty()) {
        return 0U;
    }
    const auto number = util::parse_integer<unsigned>(text);
    if (!number || *number >= kMaxDb) {
        return fail("the database in a Redis URL is a number, e.g. redis://host:6379/0");
    }
    return *number;
}

// The options after '?'.
std::optional<std::string> apply_options(std::string_view query, RedisEndpoint& endpoint) {
    for (const auto& [key, value] : pusher::parse_query(query)) {
        if (key == "insecure") {
            if (value != "1" && value != "0" && value != "true" && value != "false") {
                return "insecure= in a Redis URL is 1 or 0";
            }
            endpoint.verify = value == "0" || value == "false";
        } else if (key == "sentinel_password") {
            endpoint.sentinel_password = value;
        } else {
            return "unknown option '" + key +
                   "' in the Redis URL (known: insecure, sentinel_password)";
        }
    }
    if (!endpoint.verify && !endpoint.tls) {
        return "insecure=1 only applies to TLS (rediss://)";
    }
    if (endpoint.sentinel_password && endpoint.sentinels.empty()) {
        return "sentinel_password only applies to redis+sentinel:// URLs";
    }
    return std::nullopt;
}

}  // namespace

util::Result<std::vector<RedisHost>, std::string> parse_sentinels(std::string_view list) {
    std::vector<RedisHost> out;
    while (true) {
        const auto comma = list.find(',');
        auto one = parse_host(list.substr(0, comma), kSentinelPort);
        if (!one) {
            return fail("sentinels are host:port,host:port: " + one.error());
        }
        out.push_back(std::move(one).value());
        if (comma == std::string_view::npos) {
            return out;
        }
        list.remove_prefix(comma + 1);
    }
}

util::Result<RedisEndpoint, std::string> parse_redis_url(std::string_view url) {
    RedisEndpoint endpoint;
    const auto separator = url.find("://");
    if (separator == std::string_view::npos) {
        return fail("a Redis URL starts with " + std::string(kShape));
    }
    const auto scheme = url.substr(0, separator);
    const bool sentinel = scheme == "redis+sentinel" || scheme == "rediss+sentinel";
    endpoint.tls = scheme == "rediss" || scheme == "rediss+sentinel";
    if (!sentinel && !endpoint.tls && scheme != "redis") {
        return fail("a Redis URL starts with " + std::string(kShape));
    }
    auto rest = url.substr(separator + 3);
    std::string_view query;
    if (const auto mark = rest.find('?'); mark != std::string_view::npos) {
        query = rest.substr(mark + 1);
        rest = rest.substr(0, mark);
    }
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
    std::string_view path;
    if (const auto slash = rest.find('/'); slash != std::string_view::npos) {
        path = rest.substr(slash + 1);
        rest = rest.substr(0, slash);
    }
    if (sentinel) {
        auto sentinels = parse_sentinels(rest);
        if (!sentinels) {
            return fail(sentinels.error());
        }
        endpoint.sentinels = std::move(sentinels).value();
        const auto slash = path.find('/');
        endpoint.master_name = std::string(path.substr(0, slash));
        if (endpoint.master_name.empty()) {
            return fail(
                    "a redis+sentinel:// URL names the master after the sentinels, e.g. "
                    "redis+sentinel://10.0.0.5:26379,10.0.0.6:26379/mymaster/0");
        }
        path = slash == std::string_view::npos ? std::string_view{} : path.substr(slash + 1);
    } else {
        auto host = parse_host(rest, endpoint.port);
        if (!host) {
            return fail(host.error());
        }
        endpoint.host = std::move(host->host);
        endpoint.port = host->port;
    }
    const auto db = parse_db(path);
    if (!db) {
        return fail(db.error());
    }
    endpoint.db = *db;
    if (auto why = apply_options(query, endpoint)) {
        return fail(std::move(*why));
    }
    return endpoint;
}

std::string describe(const RedisEndpoint& endpoint) {
    const auto host = [](const RedisHost& h) {
        return (h.host.find(':') != std::string::npos ? "[" + h.host + "]" : h.host) + ':' +
               std::to_string(h.port);
    };
    auto out = std::string(endpoint.tls ? "rediss" : "redis");
    out += endpoint.sentinels.empty() ? "://" : "+sentinel://";
    if (endpoint.password) {
        out += endpoint.username.value_or("");
        out += ":***@";
    }
    if (endpoint.sentinels.empty()) {
        out += host(RedisHost{endpoint.host, endpoint.port});
    } else {
        for (std::size_t i = 0; i < endpoint.sentinels.size(); ++i) {
            out += (i == 0 ? "" : ",") + host(endpoint.sentinels[i]);
        }
        out += '/' + endpoint.master_name;
    }
    out += '/' + std::to_string(endpoint.db);
    if (!endpoint.verify) {
        out += "?insecure=1";
    }
    return out;
}

}  // namespace herald::cluster
