#include "herald/cluster/app_check.h"

#include "herald/util/digest.h"

namespace herald::cluster {

std::vector<AppFingerprint> fingerprints(const std::vector<AppCredentials>& apps) {
    std::vector<AppFingerprint> out;
    for (const auto& app : apps) {
        out.push_back(AppFingerprint{
                app.id, util::to_hex(util::hmac_sha256(
                                app.secret, "herald cluster app " + app.id + " " + app.key))});
    }
    return out;
}

std::vector<std::vector<std::string>> check_commands(const std::string& prefix,
                                                     const std::vector<AppFingerprint>& apps) {
    std::vector<std::vector<std::string>> checks;
    for (const auto& app : apps) {
        const auto key = prefix + "app:" + app.id;
        checks.push_back({"SET", key, app.value, "NX"});
        checks.push_back({"GET", key});
    }
    return checks;
}

std::optional<std::string> credentials_mismatch(const std::string& prefix,
                                                const RedisEndpoint& endpoint,
                                                const std::vector<AppFingerprint>& apps,
                                                const std::vector<RedisValue>& replies) {
    for (std::size_t i = 0; i < apps.size(); ++i) {
        const auto& app = apps[i];
        if (2 * i + 1 < replies.size() && replies[2 * i + 1].text == app.value) {
            continue;
        }
        return "app '" + app.id +
               "': its key or secret differs from the one another Herald node registered in "
               "Redis at " +
               describe(endpoint) +
               "; every node of a cluster must run the same apps with the same credentials "
               "(after changing them on every node, delete the key " +
               prefix + "app:" + app.id + ")";
    }
    return std::nullopt;
}

}  // namespace herald::cluster
