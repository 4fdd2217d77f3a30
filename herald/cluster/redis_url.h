// herald/cluster/redis_url.h
//
// redis://[[user]:password@]host[:port][/db], as `--redis-url` takes it. rediss:// (TLS) is refused
// with a clear message: the hiredis of Debian 12 (0.14) has no TLS.
// Owner: none (pure function and plain data).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "herald/util/result.h"

namespace herald::cluster {

struct RedisEndpoint {
    std::string host = "127.0.0.1";
    std::uint16_t port = 6379;
    std::optional<std::string> username;  // Redis 6 ACL user; with a password only
    std::optional<std::string> password;
    unsigned db = 0;

    friend bool operator==(const RedisEndpoint&, const RedisEndpoint&) = default;
};

// The endpoint, or why the URL cannot be used (a sentence for the operator).
[[nodiscard]] util::Result<RedisEndpoint, std::string> parse_redis_url(std::string_view url);

// The URL without its password, for logs.
[[nodiscard]] std::string describe(const RedisEndpoint& endpoint);

}  // namespace herald::cluster
