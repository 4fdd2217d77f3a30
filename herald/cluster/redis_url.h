// herald/cluster/redis_url.h
//
// Where the cluster's Redis is, as `--redis-url` takes it:
//   redis://[[user]:password@]host[:port][/db][?options]       plain TCP
//   rediss://...                                               TLS (verified; see redis_tls.h)
//   redis+sentinel://[[user]:password@]host[:port][,host[:port]...]/master[/db][?options]
//   rediss+sentinel://...                                      the same over TLS
// Options: insecure=1 (TLS without certificate verification), sentinel_password=... (the
// sentinels' own password; the credentials before '@' are the master's).
// Owner: none (pure functions and plain data).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "herald/util/result.h"

namespace herald::cluster {

struct RedisHost {
    std::string host;
    std::uint16_t port = 6379;

    friend bool operator==(const RedisHost&, const RedisHost&) = default;
};

struct RedisEndpoint {
    std::string host = "127.0.0.1";  // the master itself (unused with sentinels)
    std::uint16_t port = 6379;
    std::optional<std::string> username;  // Redis 6 ACL user; with a password only
    std::optional<std::string> password;
    unsigned db = 0;
    bool tls = false;
    bool verify = true;  // with tls: check the certificate chain and the host name
    // Set: the master is the one these sentinels name `master_name`.
    std::vector<RedisHost> sentinels;
    std::string master_name;
    std::optional<std::string> sentinel_password;

    friend bool operator==(const RedisEndpoint&, const RedisEndpoint&) = default;
};

// The endpoint, or why the URL cannot be used (a sentence for the operator).
[[nodiscard]] util::Result<RedisEndpoint, std::string> parse_redis_url(std::string_view url);

// "host:port,host:port" (the default port 26379 when omitted), or why not.
[[nodiscard]] util::Result<std::vector<RedisHost>, std::string> parse_sentinels(
        std::string_view list);

// The URL without its passwords, for logs.
[[nodiscard]] std::string describe(const RedisEndpoint& endpoint);

}  // namespace herald::cluster
