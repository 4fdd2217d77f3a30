// herald/cli/setting_table.cpp
//
// Every setting of `herald serve`, once: the table setting.h describes. A new setting is a new
// entry here plus the ServerConfig member it fills; docs/CONFIGURATION.md's reference table must
// then be regenerated (setting_test.cpp says how when it differs).
// Owner: none (constant data).
#include <array>

#include "herald/cli/config_values.h"
#include "herald/cli/setting.h"

namespace herald::cli {

namespace {

using server::ServerConfig;

constexpr std::string_view kConfigHelp =
        "Config file: TOML, or Slanger's YAML when it ends in .yml/.yaml (env HERALD_CONFIG)";

const std::array<Setting, 23> kSettings = {{
        {.name = "config",
         .scope = Scope::Process,
         .variable = "HERALD_CONFIG",
         .flags = "--config,-C,--config_file",
         .value_name = "FILE",
         .help = kConfigHelp,
         .doc = "the configuration file; read as Slanger YAML when its name ends in `.yml` or "
                "`.yaml`"},
        {.name = "host",
         .variable = "HERALD_HOST",
         .flags = "--host",
         .value_name = "HOST",
         .check = check_host,
         .fallback = "`127.0.0.1`",
         .help = "Address to listen on (default 127.0.0.1)",
         .doc = "address the WebSocket (and REST) listener binds"},
        {.name = "port",
         .type = &kPort,
         .variable = "HERALD_PORT",
         .flags = "--port",
         .value_name = "PORT",
         .fallback = "`6001`",
         .help = "WebSocket (and REST) port; 0 picks one (default 6001)",
         .doc = "its port; `0` picks a free one (logged at start)"},
        {.name = "api_host",
         .variable = "HERALD_API_HOST",
         .flags = "--api-host",
         .value_name = "HOST",
         .check = check_host,
         .fallback = "value of `host`",
         .help = "REST API address when it has its own port (default: --host)",
         .doc = "address of a separate REST listener; needs `api_port`"},
        {.name = "api_port",
         .type = &kPort,
         .variable = "HERALD_API_PORT",
         .flags = "--api-port",
         .value_name = "PORT",
         .help = "Serve the REST API on this port instead of the WebSocket port",
         .doc = "set: the REST API gets its own listener on this port, and the WebSocket port "
                "answers REST paths with 404"},
        {.name = "threads",
         .type = &kCount,
         .variable = "HERALD_THREADS",
         .flags = "--threads",
         .value_name = "N",
         .apply = store<&ServerConfig::threads>,
         .fallback = "`0`",
         .help = "Worker threads; 0: one per core (default 0)",
         .doc = "worker threads; `0` = one per hardware thread (at most 64)"},
        {.name = "path_prefix",
         .variable = "HERALD_PATH_PREFIX",
         .flags = "--path-prefix",
         .value_name = "PATH",
         .check = check_path_prefix,
         .apply = store<&ServerConfig::path_prefix>,
         .fallback = "`\"\"`",
         .help = "Path before /app/{key}, e.g. /ws (default none)",
         .doc = "path before `/app/{key}` (pusher-js `wsPath`); must start with `/`; a trailing "
                "`/` is dropped"},
        {.name = "activity_timeout",
         .type = &kSeconds,
         .variable = "HERALD_ACTIVITY_TIMEOUT",
         .flags = "--activity-timeout,-t,--activity_timeout",
         .value_name = "SECONDS",
         .apply = store<&ServerConfig::activity_timeout>,
         .fallback = "`120`",
         .help = "Seconds of silence before clients ping (default 120)",
         .doc = "seconds; sent to clients, who ping after that much silence"},
        {.name = "pong_timeout",
         .type = &kSeconds,
         .apply = store<&ServerConfig::pong_timeout>,
         .fallback = "`30`",
         .doc = "seconds to wait for a reply to a ping before closing with 4201"},
        {.name = "user_authentication_timeout",
         .type = &kSeconds,
         .apply = store<&ServerConfig::user_authentication_timeout>,
         .fallback = "`30`",
         .doc = "seconds a connection to an app with `user_authentication_required` has to sign "
                "in before it is closed with 4009"},
        {.name = "strict_protocol",
         .type = &kSwitch,
         .variable = "HERALD_STRICT_PROTOCOL",
         .flags = "--strict-protocol",
         .apply = store<&ServerConfig::strict_protocol>,
         .fallback = "`false`",
         .help = "Refuse connections without ?protocol= (4008) instead of assuming 7",
         .doc = "`true`: a connection without `?protocol=` is refused with 4008 instead of being "
                "treated as protocol 7"},
        {.name = "verbose",
         .type = &kSwitch,
         .variable = "HERALD_VERBOSE",
         .flags = "-v,--verbose,!--no-verbose",
         .apply = store<&ServerConfig::verbose>,
         .fallback = "`false`",
         .help = "Log every frame in and out",
         .doc = "log every frame in (`<`) and out (`>`) with its socket id"},
        {.name = "log_level",
         .variable = "HERALD_LOG_LEVEL",
         .flags = "--log-level",
         .value_name = "LEVEL",
         .check = check_log_level,
         .apply = store<&ServerConfig::log_level>,
         .fallback = "`info`",
         .help = "trace, debug, info, warn, error or off (default info)",
         .doc = "`trace`, `debug`, `info`, `warn`, `error` or `off`"},
        {.name = "pid_file",
         .variable = "HERALD_PID_FILE",
         .flags = "--pid-file,--pid_file",
         .value_name = "FILE",
         .check = [](std::string_view t,
                     std::string_view o) { return check_not_empty(t, o, "a file path"); },
         .apply = store<&ServerConfig::pid_file>,
         .help = "Write the process id to FILE while running",
         .doc = "write the process id here while running; removed at exit"},
        {.name = "redis_url",
         .variable = "HERALD_REDIS_URL",
         .flags = "--redis-url,-r,--redis_address",
         .value_name = "URL",
         .check = check_redis_url,
         .apply = store<&ServerConfig::redis_url>,
         .help = "Redis shared by the nodes of a cluster: redis://[:password@]host[:port][/db]",
         .doc = "`redis://[[user]:password@]host[:port][/db]`; set: this node is one of a "
                "cluster sharing this Redis ([CLUSTER.md](CLUSTER.md)); the port defaults to "
                "6379 and the database to 0; `rediss://` (TLS) is refused: Debian's hiredis has "
                "no TLS"},
        {.name = "cluster_lease_ms",
         .type = &kLeaseMs,
         .variable = "HERALD_CLUSTER_LEASE_MS",
         .flags = "--cluster-lease-ms",
         .value_name = "MS",
         .apply = store<&ServerConfig::cluster_lease>,
         .fallback = "`10000`",
         .help = "Milliseconds after which a silent node's members are removed (default 10000)",
         .doc = "with `redis_url`: a node silent for this long (killed, frozen, cut off) has its "
                "members and counts removed by the others; it renews every quarter of it, and "
                "treats Redis as lost after half of it without a reply"},
        {.name = "tls.certificate_chain",
         .flags = "--cert-file,-c,--cert_file",
         .value_name = "FILE",
         .check = [](std::string_view t,
                     std::string_view o) { return check_not_empty(t, o, "a file path"); },
         .help = "TLS certificate chain, PEM",
         .doc = "PEM certificate chain file; needs `tls.private_key`; the file must exist"},
        {.name = "tls.private_key",
         .flags = "--private-key-file,-p,--private_key_file",
         .value_name = "FILE",
         .check = [](std::string_view t,
                     std::string_view o) { return check_not_empty(t, o, "a file path"); },
         .help = "TLS private key, PEM",
         .doc = "PEM private key file"},
        {.name = "app_id",
         .scope = Scope::App,
         .variable = "HERALD_APP_ID",
         .flags = "--app-id",
         .value_name = "ID",
         .check = check_app_name,
         .fallback = "the key",
         .help = "App id for the REST API (default: the key)",
         .doc = "the one app's id ([[apps]] `id`)"},
        {.name = "app_key",
         .scope = Scope::App,
         .variable = "HERALD_APP_KEY",
         .flags = "--app-key,-k,--app_key",
         .value_name = "KEY",
         .check = check_app_name,
         .fallback = "`app-key`",
         .help = "App key clients connect with",
         .doc = "the one app's key ([[apps]] `key`)"},
        {.name = "app_secret",
         .scope = Scope::App,
         .variable = "HERALD_APP_SECRET",
         .flags = "--app-secret,-s,--secret",
         .value_name = "SECRET",
         .check = [](std::string_view t,
                     std::string_view o) { return check_not_empty(t, o, "a non-empty secret"); },
         .fallback = "`app-secret`",
         .help = "App secret that signs REST requests and channel auth",
         .doc = "the one app's secret ([[apps]] `secret`)"},
        {.name = "app_client_events",
         .scope = Scope::App,
         .type = &kSwitch,
         .variable = "HERALD_ENABLE_CLIENT_EVENTS",
         .flags = "--enable-client-events,!--disable-client-events",
         .fallback = "`false` (`true` for the development app)",
         .help = "Let clients send client-* events on private/presence channels",
         .doc = "the one app's `client_events`"},
        {.name = "app_webhook_urls",
         .scope = Scope::App,
         .type = &kUrls,
         .variable = "HERALD_WEBHOOK_URL",
         .flags = "--webhook-url,-b,--webhook_url",
         .value_name = "URL",
         .check = check_webhook_url,
         .help = "Webhook URL (repeat for several)",
         .doc = "the one app's `webhook_urls` (the flag is repeatable, the variable holds one)"},
}};

const std::array<Address, 2> kAddresses = {{
        {"websocket_address", "-w,--websocket_host", "websocket_host", "host", "port",
         "WebSocket address HOST[:PORT] (same as --host/--port)"},
        {"api_address", "-a,--api_host", "api_host", "api_host", "api_port",
         "REST API address HOST[:PORT] on its own listener (same as --api-host/--api-port)"},
}};

}  // namespace

std::span<const Setting> settings_table() {
    return kSettings;
}

std::span<const Address> address_table() {
    return kAddresses;
}

}  // namespace herald::cli
