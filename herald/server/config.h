// herald/server/config.h
//
// Everything `herald serve` needs to run, after the config file, HERALD_* variables and flags
// have been merged (herald/cli/config_load.h). Defaults give one node on 127.0.0.1:6001 with the
// development app.
// Owner: plain data, copied into the server at start.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "herald/server/app.h"
#include "herald/webhooks/settings.h"

namespace herald::server {

struct Endpoint {
    std::string host = "127.0.0.1";
    std::uint16_t port = 6001;

    friend bool operator==(const Endpoint&, const Endpoint&) = default;
};

// The admin listener (metrics, health and readiness, the dashboard and its JSON API): off unless
// a port is given.
struct AdminListen {
    std::string host = "127.0.0.1";
    std::optional<std::uint16_t> port;  // 0: any free port
    // Set: the dashboard and /api/admin/ ask for it (a login gives a session cookie). Unset: they
    // are served only on a loopback host.
    std::optional<std::string> token;
    bool dashboard = true;  // false: only /metrics, /healthz and /readyz

    friend bool operator==(const AdminListen&, const AdminListen&) = default;
};

struct TlsFiles {
    std::string certificate_chain;  // PEM
    std::string private_key;        // PEM

    friend bool operator==(const TlsFiles&, const TlsFiles&) = default;
};

// Apps from a database instead of the configuration (herald/appstore): off unless `url` is set.
struct AppStoreSettings {
    std::optional<std::string> url;       // postgresql://... or mysql://...
    std::string table = "apps";           // soketi's table
    std::chrono::seconds cache_ttl{60};   // how long a looked-up app (or an unknown key) is kept
    std::size_t pool_size = 2;            // connections, each on a thread of its own
    std::size_t max_apps = 4096;          // app ids one process may serve in its life
    std::optional<std::string> password;  // wins over the URL's

    friend bool operator==(const AppStoreSettings&, const AppStoreSettings&) = default;
};

struct ServerConfig {
    Endpoint listen;                     // WebSocket and REST API on one port
    std::optional<Endpoint> api_listen;  // set: the REST API on its own listener (Slanger -a)
    AdminListen admin;                   // port set: /metrics, /healthz, /readyz on their own
    std::size_t threads = 0;             // workers; 0: one per hardware thread
    std::string path_prefix;             // before /app/{key}, e.g. "/ws" (pusher-js wsPath)
    std::chrono::seconds activity_timeout = pusher::kActivityTimeout;  // sent to clients (§2.4)
    std::chrono::seconds pong_timeout = pusher::kPongTimeout;
    // Apps with user_authentication_required close connections not signed in by then (4009).
    std::chrono::seconds user_authentication_timeout = pusher::kAuthorizedConnectionTimeout;
    bool strict_protocol = false;            // a missing ?protocol= gets 4008 instead of meaning 7
    std::size_t max_connections_per_ip = 0;  // WebSockets one remote address holds; 0: no limit
    bool verbose = false;                    // log every frame in and out
    std::string log_level = "info";          // trace, debug, info, warn, error, off
    std::string log_format = "text";         // text, or json: one JSON object per line
    std::optional<std::string> pid_file;
    // After SIGTERM/SIGINT: /readyz answers 503 and connections are still served this long, so a
    // load balancer moves traffic away before they are closed with 4200.
    std::chrono::seconds drain_seconds{0};
    std::optional<TlsFiles> tls;
    std::optional<std::string> redis_url;  // set: one node of a cluster sharing this Redis
    // Set: the cluster's Redis is the master these sentinels name redis_master_name.
    std::optional<std::string> redis_sentinels;
    std::optional<std::string> redis_master_name;
    std::optional<std::string> redis_sentinel_password;
    std::optional<std::string> redis_ca_file;  // rediss://: the CAs to trust (unset: the system's)
    std::optional<std::string> redis_cert_file;  // rediss://: a client certificate, with its key
    std::optional<std::string> redis_key_file;
    std::chrono::milliseconds cluster_lease{10000};  // a silent node is reaped after this
    std::vector<App> apps;                           // empty: the development app
    AppStoreSettings app_store;                      // url set: apps come from a database
    webhooks::Settings webhooks;                     // used when some app has a webhook target
    // Where files that outlive the process go (the webhook spool, dead letters, the occupancy
    // journal), created at start; empty: none is created, and relative paths name the working
    // directory. `herald serve` always sets it (herald/cli/state_dir.h).
    std::string state_dir;

    // One node of a cluster (redis_url or redis_sentinels set).
    [[nodiscard]] bool clustered() const noexcept {
        return redis_url.has_value() || redis_sentinels.has_value();
    }

    friend bool operator==(const ServerConfig&, const ServerConfig&) = default;
};

}  // namespace herald::server
