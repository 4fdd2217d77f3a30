#include "herald/server/reload.h"

namespace herald::server {

std::vector<std::string> settings_needing_restart(const ServerConfig& running,
                                                  const ServerConfig& next) {
    std::vector<std::string> names;
    const auto check = [&names](bool same, const char* name) {
        if (!same) {
            names.emplace_back(name);
        }
    };
    check(running.listen.host == next.listen.host, "host");
    check(running.listen.port == next.listen.port, "port");
    check(running.api_listen == next.api_listen, "api_host/api_port");
    check(running.admin == next.admin, "admin");
    check(running.threads == next.threads, "threads");
    check(running.path_prefix == next.path_prefix, "path_prefix");
    check(running.activity_timeout == next.activity_timeout, "activity_timeout");
    check(running.pong_timeout == next.pong_timeout, "pong_timeout");
    check(running.user_authentication_timeout == next.user_authentication_timeout,
          "user_authentication_timeout");
    check(running.strict_protocol == next.strict_protocol, "strict_protocol");
    check(running.max_connections_per_ip == next.max_connections_per_ip, "max_connections_per_ip");
    check(running.verbose == next.verbose, "verbose");
    check(running.pid_file == next.pid_file, "pid_file");
    check(running.tls == next.tls, "tls");
    check(running.redis_url == next.redis_url, "redis_url");
    check(running.redis_sentinels == next.redis_sentinels &&
                  running.redis_master_name == next.redis_master_name &&
                  running.redis_sentinel_password == next.redis_sentinel_password,
          "redis_sentinels");
    check(running.redis_ca_file == next.redis_ca_file &&
                  running.redis_cert_file == next.redis_cert_file &&
                  running.redis_key_file == next.redis_key_file,
          "redis_ca_file");
    check(running.cluster_lease == next.cluster_lease, "cluster_lease");
    check(running.webhooks == next.webhooks, "webhooks");
    check(running.log_format == next.log_format, "log.format");
    check(running.state_dir == next.state_dir, "state_dir");
    check(running.app_store == next.app_store, "app_store");
    if (names.empty()) {
        // A setting without its own line above: still reported, never silently ignored.
        auto a = running;
        auto b = next;
        a.apps = b.apps = {};
        a.log_level = b.log_level = {};
        check(a == b, "other settings");
    }
    return names;
}

}  // namespace herald::server
