// herald/cluster/app_check.h
//
// Every node of a cluster must run the same apps with the same credentials: the first node to
// reach Redis records a fingerprint of each app (an HMAC of its id and key under its secret, so
// the secret itself never leaves the node), the others compare theirs. The check runs at start
// when Redis answers, and again on every connection to Redis before the node registers.
// Owner: none (pure functions).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "herald/cluster/redis_link.h"
#include "herald/cluster/redis_url.h"

namespace herald::cluster {

struct AppCredentials {
    std::string id;
    std::string key;
    std::string secret;
};

struct AppFingerprint {
    std::string id;
    std::string value;
};

[[nodiscard]] std::vector<AppFingerprint> fingerprints(const std::vector<AppCredentials>& apps);

// The commands of the check: for each app a SET NX of its fingerprint, then a GET of it.
[[nodiscard]] std::vector<std::vector<std::string>> check_commands(
        const std::string& prefix, const std::vector<AppFingerprint>& apps);

// Why the apps differ from those Redis holds (the message names the app, the Redis and what to
// do), or nothing when they agree. `replies` answer check_commands() in order.
[[nodiscard]] std::optional<std::string> credentials_mismatch(
        const std::string& prefix, const RedisEndpoint& endpoint,
        const std::vector<AppFingerprint>& apps, const std::vector<RedisValue>& replies);

}  // namespace herald::cluster
