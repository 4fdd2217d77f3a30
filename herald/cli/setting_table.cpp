// herald/cli/setting_table.cpp
//
// Every setting of `herald serve`, once: the table setting.h describes. A new setting is a new
// entry here plus the ServerConfig member it fills (whose initialiser is its default);
// docs/CONFIGURATION.md's reference table must then be regenerated (setting_test.cpp says how
// when it differs).
// Owner: none (constant data).
#include <array>

#include "herald/cli/config_values.h"
#include "herald/cli/setting.h"
#include "herald/webhooks/settings.h"

namespace herald::cli {

namespace {

using server::App;
using server::Endpoint;
using server::ServerConfig;

std::string check_file_path(std::string_view text, std::string_view origin) {
    return check_not_empty(text, origin, "a file path");
}

// At least 16 characters: the token is the one secret between the network and the dashboard.
std::string check_admin_token(std::string_view text, std::string_view origin) {
    constexpr std::size_t kMinTokenLength = 16;
    if (text.size() < kMinTokenLength) {
        // The value itself is never repeated: it is a secret, even when too short.
        fail(origin, "a token of " + std::to_string(text.size()) + " characters",
             "a token of at least " + std::to_string(kMinTokenLength) + " characters");
    }
    return std::string(text);
}

std::string check_secret(std::string_view text, std::string_view origin) {
    return check_not_empty(text, origin, "a non-empty secret");
}

constexpr std::string_view kConfigHelp =
        "Config file: TOML, or Slanger's YAML when it ends in .yml/.yaml (env HERALD_CONFIG)";

// One paragraph per setting: what it is, how it is spelled (variable, flags), its check and the
// member it fills (whose initialiser in ServerConfig, or in development_app(), is its default),
// then its help and its meaning in the reference. Left unformatted: clang-format would give each
// field a line of its own, and the table would no longer read as one.
// clang-format off
// Sized by its entries: adding a setting is adding its paragraph here.
const Setting kSettings[] = {
    {.name = "config", .scope = Scope::Process,
     .variable = "HERALD_CONFIG", .flags = "--config,-C,--config_file", .value_name = "FILE",
     .help = kConfigHelp,
     .doc = "the configuration file; read as Slanger YAML when its name ends in `.yml` or `.yaml`"},

    {.name = "host",
     .variable = "HERALD_HOST", .flags = "--host", .value_name = "HOST",
     .check = check_host, .field = member<&ServerConfig::listen, &Endpoint::host>(),
     .help = "Address to listen on",
     .doc = "address the WebSocket (and REST) listener binds"},

    {.name = "port", .type = &kPort,
     .variable = "HERALD_PORT", .flags = "--port", .value_name = "PORT",
     .field = member<&ServerConfig::listen, &Endpoint::port>(),
     .help = "WebSocket (and REST) port; 0 picks one",
     .doc = "its port; `0` picks a free one (logged at start)"},

    // Not a value of its own: without it the API listener takes the WebSocket listener's host.
    {.name = "api_host",
     .variable = "HERALD_API_HOST", .flags = "--api-host", .value_name = "HOST",
     .check = check_host, .default_text = "value of `host`",
     .help = "REST API address when it has its own port (default: --host)",
     .doc = "address of a separate REST listener; needs `api_port`",
     .example = "\"127.0.0.1\""},

    {.name = "api_port", .type = &kPort,
     .variable = "HERALD_API_PORT", .flags = "--api-port", .value_name = "PORT",
     .help = "Serve the REST API on this port instead of the WebSocket port",
     .doc = "set: the REST API gets its own listener on this port, and the WebSocket port answers "
            "REST paths with 404",
     .example = "6002"},

    {.name = "admin.host",
     .variable = "HERALD_ADMIN_HOST", .flags = "--admin-host", .value_name = "HOST",
     .check = check_host, .field = member<&ServerConfig::admin, &server::AdminListen::host>(),
     .help = "Admin listener address (metrics, health)",
     .doc = "address of the admin listener ([OPERATIONS.md](OPERATIONS.md)); used when "
            "`admin.port` is set"},

    {.name = "admin.port", .type = &kPort,
     .variable = "HERALD_ADMIN_PORT", .flags = "--admin-port", .value_name = "PORT",
     .field = member<&ServerConfig::admin, &server::AdminListen::port>(),
     .help = "Serve /metrics, /healthz and /readyz on this port; 0 picks one",
     .doc = "set: the admin listener serves `GET /metrics` (Prometheus), `/healthz` and `/readyz` "
            "on this port; `0` picks a free one (logged at start); unset: no admin listener",
     .example = "9601"},

    {.name = "admin.token",
     .variable = "HERALD_ADMIN_TOKEN", .flags = "--admin-token", .value_name = "TOKEN",
     .check = check_admin_token, .field = member<&ServerConfig::admin, &server::AdminListen::token>(),
     .help = "Token that logs in to the dashboard and its admin API",
     .doc = "set: `/dashboard` and `/api/admin/` ask for this token (a login gives an HttpOnly "
            "session cookie); unset: they are served only when `admin.host` is a loopback address "
            "([OPERATIONS.md](OPERATIONS.md))",
     .example = "\"a-long-random-string\"", .secret = true},

    {.name = "admin.dashboard", .type = &kSwitch,
     .variable = "HERALD_ADMIN_DASHBOARD", .flags = "--admin-dashboard,!--no-admin-dashboard",
     .field = member<&ServerConfig::admin, &server::AdminListen::dashboard>(),
     .help = "Serve the dashboard and /api/admin/ on the admin listener",
     .doc = "`false`: the admin listener serves only `/metrics`, `/healthz` and `/readyz` (then "
            "`admin.host` may be any address without a token)"},

    {.name = "threads", .type = &kCount,
     .variable = "HERALD_THREADS", .flags = "--threads", .value_name = "N",
     .field = member<&ServerConfig::threads>(),
     .help = "Worker threads; 0: one per core",
     .doc = "worker threads; `0` = one per hardware thread (at most 64)"},

    {.name = "path_prefix",
     .variable = "HERALD_PATH_PREFIX", .flags = "--path-prefix", .value_name = "PATH",
     .check = check_path_prefix, .field = member<&ServerConfig::path_prefix>(),
     .help = "Path before /app/{key}, e.g. /ws",
     .doc = "path before `/app/{key}` (pusher-js `wsPath`); must start with `/`; a trailing `/` is "
            "dropped"},

    {.name = "activity_timeout", .type = &kSeconds,
     .variable = "HERALD_ACTIVITY_TIMEOUT", .flags = "--activity-timeout,-t,--activity_timeout",
     .value_name = "SECONDS",
     .field = member<&ServerConfig::activity_timeout>(),
     .help = "Seconds of silence before clients ping",
     .doc = "seconds; sent to clients, who ping after that much silence"},

    {.name = "pong_timeout", .type = &kSeconds,
     .field = member<&ServerConfig::pong_timeout>(),
     .doc = "seconds to wait for a reply to a ping before closing with 4201"},

    {.name = "user_authentication_timeout", .type = &kSeconds,
     .field = member<&ServerConfig::user_authentication_timeout>(),
     .doc = "seconds a connection to an app with `user_authentication_required` has to sign in "
            "before it is closed with 4009"},

    {.name = "max_connections_per_ip", .type = &kCount,
     .variable = "HERALD_MAX_CONNECTIONS_PER_IP", .flags = "--max-connections-per-ip",
     .value_name = "N",
     .field = member<&ServerConfig::max_connections_per_ip>(),
     .help = "WebSocket connections one client address may hold; 0: no limit",
     .doc = "WebSocket connections one remote address may hold, over every app; past it a new one "
            "is refused with 4100 (clients retry after a back-off); `0` = no limit. Behind a "
            "proxy every client has the proxy's address"},

    {.name = "strict_protocol", .type = &kSwitch,
     .variable = "HERALD_STRICT_PROTOCOL", .flags = "--strict-protocol",
     .field = member<&ServerConfig::strict_protocol>(),
     .help = "Refuse connections without ?protocol= (4008) instead of assuming 7",
     .doc = "`true`: a connection without `?protocol=` is refused with 4008 instead of being "
            "treated as protocol 7"},

    {.name = "verbose", .type = &kSwitch,
     .variable = "HERALD_VERBOSE", .flags = "-v,--verbose,!--no-verbose",
     .field = member<&ServerConfig::verbose>(),
     .help = "Log every frame in and out",
     .doc = "log every frame in (`<`) and out (`>`) with its socket id"},

    {.name = "log_level",
     .variable = "HERALD_LOG_LEVEL", .flags = "--log-level", .value_name = "LEVEL",
     .check = check_log_level, .field = member<&ServerConfig::log_level>(),
     .help = "trace, debug, info, warn, error or off",
     .doc = "`trace`, `debug`, `info`, `warn`, `error` or `off`"},

    {.name = "log.format",
     .variable = "HERALD_LOG_FORMAT", .flags = "--log-format", .value_name = "FORMAT",
     .check = check_log_format, .field = member<&ServerConfig::log_format>(),
     .help = "text, or json: one JSON object per line",
     .doc = "`text`, or `json`: one JSON object per line on standard error with `time` (RFC 3339, "
            "UTC, milliseconds), `level` and `message` ([OPERATIONS.md](OPERATIONS.md))"},

    {.name = "pid_file",
     .variable = "HERALD_PID_FILE", .flags = "--pid-file,--pid_file", .value_name = "FILE",
     .check = check_file_path, .field = member<&ServerConfig::pid_file>(),
     .help = "Write the process id to FILE while running",
     .doc = "write the process id here while running; removed at exit",
     .example = "\"/run/herald.pid\""},

    // Chosen at start from what the machine offers (state_dir.h), so its default is in words.
    {.name = "state_dir",
     .variable = "HERALD_STATE_DIR", .flags = "--state-dir", .value_name = "DIR",
     .check = check_file_path,
     .default_text = "`/var/lib/herald`, else `$XDG_STATE_HOME/herald` or "
                     "`~/.local/state/herald`",
     .help = "Directory of the webhook spool, dead letters and occupancy journal",
     .doc = "where the webhook spool, the dead-letter file and the occupancy journal live; "
            "created at start if missing. The default is `/var/lib/herald` when it exists and is "
            "writable or can be created, else `$XDG_STATE_HOME/herald`, else "
            "`~/.local/state/herald` ([OPERATIONS.md](OPERATIONS.md#where-state-lives))",
     .example = "\"/var/lib/herald\""},

    {.name = "drain_seconds", .type = &kDrainSeconds,
     .variable = "HERALD_DRAIN_SECONDS", .flags = "--drain-seconds", .value_name = "N",
     .field = member<&ServerConfig::drain_seconds>(),
     .help = "After SIGTERM: seconds of not-ready service before connections close (4200)",
     .doc = "seconds; after SIGTERM or SIGINT, `/readyz` answers 503 `draining` at once while "
            "every connection, new ones included, is still served this long (a load balancer "
            "moves traffic away meanwhile); then every connection is closed with 4200 and the "
            "process exits. A second signal ends the drain at once "
            "([OPERATIONS.md](OPERATIONS.md))"},

    {.name = "redis_url",
     .variable = "HERALD_REDIS_URL", .flags = "--redis-url,-r,--redis_address", .value_name = "URL",
     .check = check_redis_url, .field = member<&ServerConfig::redis_url>(),
     .help = "Redis shared by the nodes of a cluster: redis[s]://[:password@]host[:port][/db]",
     .doc = "`redis://[[user]:password@]host[:port][/db]`; set: this node is one of a cluster "
            "sharing this Redis ([CLUSTER.md](CLUSTER.md)); the port defaults to 6379 and the "
            "database to 0. `rediss://` is TLS, verified against `redis_ca_file` or the system "
            "store (`?insecure=1` turns verification off, with a warning); "
            "`redis+sentinel://[[user]:password@]host:port,host:port/master[/db]` (or "
            "`rediss+sentinel://`) finds the master through Sentinel. With `redis_sentinels`, "
            "only its scheme, credentials, database and options are used",
     .example = "\"redis://127.0.0.1:6379/0\""},

    {.name = "redis_sentinels",
     .variable = "HERALD_REDIS_SENTINELS", .flags = "--redis-sentinels", .value_name = "HOSTS",
     .check = check_redis_sentinels, .field = member<&ServerConfig::redis_sentinels>(),
     .help = "Sentinels that name the cluster's Redis master: host:port,host:port",
     .doc = "`host:port,host:port,...` (port 26379 when omitted); set: the cluster's Redis is "
            "the master these sentinels name `redis_master_name`, followed through failovers "
            "([CLUSTER.md](CLUSTER.md#sentinel)); `redis_url`, when set, gives the master's "
            "scheme, credentials and database",
     .example = "\"10.0.0.5:26379,10.0.0.6:26379,10.0.0.7:26379\""},

    {.name = "redis_master_name",
     .variable = "HERALD_REDIS_MASTER_NAME", .flags = "--redis-master-name", .value_name = "NAME",
     .check = check_redis_master_name, .field = member<&ServerConfig::redis_master_name>(),
     .help = "With --redis-sentinels: the master's name in the sentinels' configuration",
     .doc = "with `redis_sentinels` (required there): the name the sentinels monitor the "
            "master under",
     .example = "\"mymaster\""},

    {.name = "redis_sentinel_password",
     .variable = "HERALD_REDIS_SENTINEL_PASSWORD", .flags = "--redis-sentinel-password",
     .value_name = "PASSWORD",
     .check = check_secret, .field = member<&ServerConfig::redis_sentinel_password>(),
     .help = "Password of the sentinels themselves (requirepass in sentinel.conf)",
     .doc = "the sentinels' own password (their `requirepass`), when they have one; the "
            "master's is in `redis_url`",
     .secret = true},

    {.name = "redis_ca_file",
     .variable = "HERALD_REDIS_CA_FILE", .flags = "--redis-ca-file", .value_name = "FILE",
     .check = check_file_path, .field = member<&ServerConfig::redis_ca_file>(),
     .help = "PEM bundle that signs Redis's TLS certificate (default: the system store)",
     .doc = "with `rediss://`: the PEM certificates Redis's certificate must chain to, instead "
            "of the system store",
     .example = "\"/etc/herald/redis-ca.pem\""},

    {.name = "redis_cert_file",
     .variable = "HERALD_REDIS_CERT_FILE", .flags = "--redis-cert-file", .value_name = "FILE",
     .check = check_file_path, .field = member<&ServerConfig::redis_cert_file>(),
     .help = "Client certificate (PEM) shown to Redis over TLS; with --redis-key-file",
     .doc = "with `rediss://`: a client certificate chain (PEM) for a Redis that asks for one "
            "(`tls-auth-clients`); needs `redis_key_file`",
     .example = "\"/etc/herald/redis-client.pem\""},

    {.name = "redis_key_file",
     .variable = "HERALD_REDIS_KEY_FILE", .flags = "--redis-key-file", .value_name = "FILE",
     .check = check_file_path, .field = member<&ServerConfig::redis_key_file>(),
     .help = "Private key (PEM) of --redis-cert-file",
     .doc = "the private key (PEM) of `redis_cert_file`",
     .example = "\"/etc/herald/redis-client.key\""},

    {.name = "cluster_lease_ms", .type = &kLeaseMs,
     .variable = "HERALD_CLUSTER_LEASE_MS", .flags = "--cluster-lease-ms", .value_name = "MS",
     .field = member<&ServerConfig::cluster_lease>(),
     .help = "Milliseconds after which a silent node's members are removed",
     .doc = "with `redis_url`: a node silent for this long (killed, frozen, cut off) has its "
            "members and counts removed by the others; it renews every quarter of it, and treats "
            "Redis as lost after half of it without a reply"},

    // [app_store]: apps from a database instead of the file (docs/APP_STORE.md).
    {.name = "app_store.url",
     .variable = "HERALD_APP_STORE", .flags = "--app-store", .value_name = "URL",
     .check = check_app_store_url, .field = member<&ServerConfig::app_store, &server::AppStoreSettings::url>(),
     .help = "Apps from a database: postgresql://... or mysql://... (unset: the file's apps)",
     .doc = "`postgresql://user[:password]@host[:port]/database` (libpq) or "
            "`mysql://user[:password]@host[:port]/database[?socket=PATH]` (MySQL 8 or MariaDB); "
            "set: apps are read from soketi's apps table there, by key at each connection and by "
            "id at each REST call, through a cache, and the file's apps are not used "
            "([APP_STORE.md](APP_STORE.md))",
     .example = "\"postgresql://herald@127.0.0.1:5432/herald\""},

    {.name = "app_store.table",
     .variable = "HERALD_APP_STORE_TABLE", .flags = "--app-store-table", .value_name = "NAME",
     .check = check_app_store_table, .field = member<&ServerConfig::app_store, &server::AppStoreSettings::table>(),
     .help = "The app store's table",
     .doc = "the table of apps: letters, digits and `_`, optionally after `schema.`"},

    {.name = "app_store.cache_ttl", .type = &kCacheSeconds,
     .variable = "HERALD_APP_CACHE_TTL", .flags = "--app-cache-ttl", .value_name = "SECONDS",
     .field = member<&ServerConfig::app_store, &server::AppStoreSettings::cache_ttl>(),
     .help = "Seconds an app (or an unknown key) read from the store is kept; 0: no cache",
     .doc = "seconds a looked-up app, or an unknown key or id, is kept before the database is "
            "asked again (a changed secret is seen within this long); `0`: every lookup asks. "
            "While the database is unreachable, known apps are served however old"},

    {.name = "app_store.pool_size", .type = &kPositive,
     .variable = "HERALD_APP_STORE_POOL_SIZE", .flags = "--app-store-pool-size", .value_name = "N",
     .field = member<&ServerConfig::app_store, &server::AppStoreSettings::pool_size>(),
     .help = "Database connections of the app store, each on a thread of its own",
     .doc = "connections to the app store's database, each on a thread of its own (lookups are "
            "never made on the event loops)"},

    {.name = "app_store.max_apps", .type = &kPositive,
     .variable = "HERALD_APP_STORE_MAX_APPS", .flags = "--app-store-max-apps", .value_name = "N",
     .field = member<&ServerConfig::app_store, &server::AppStoreSettings::max_apps>(),
     .help = "App ids one process may serve from the app store in its life",
     .doc = "app ids the process can serve from the store in its life (per-app tables are sized "
            "for them at start); an app beyond them is refused and logged until a restart"},

    {.name = "app_store.password",
     .variable = "HERALD_APP_STORE_PASSWORD", .value_name = "PASSWORD",
     .field = member<&ServerConfig::app_store, &server::AppStoreSettings::password>(),
     .help = "The app store database's password (instead of the URL's)",
     .doc = "the database password, when it should not be in the URL", .secret = true},

    {.name = "tls.certificate_chain",
     .flags = "--cert-file,-c,--cert_file", .value_name = "FILE",
     .check = check_file_path,
     .help = "TLS certificate chain, PEM",
     .doc = "PEM certificate chain file; needs `tls.private_key`; the file must exist",
     .example = "\"/etc/herald/fullchain.pem\""},

    {.name = "tls.private_key",
     .flags = "--private-key-file,-p,--private_key_file", .value_name = "FILE",
     .check = check_file_path,
     .help = "TLS private key, PEM",
     .doc = "PEM private key file",
     .example = "\"/etc/herald/privkey.pem\""},

    // [webhooks]: how webhooks are delivered, for every app (docs/CONFIGURATION.md#webhooks).
    {.name = "webhooks.batch_window_ms", .type = &kMilliseconds,
     .field = member<&ServerConfig::webhooks, &webhooks::Settings::batch_window>(),
     .doc = "the longest an event waits for others to share its request"},

    {.name = "webhooks.batch_max_events", .type = &kPositive,
     .field = member<&ServerConfig::webhooks, &webhooks::Settings::batch_max_events>(),
     .doc = "events per request at most (`1`: no batching)"},

    {.name = "webhooks.grace_ms", .type = &kMilliseconds,
     .field = member<&ServerConfig::webhooks, &webhooks::Settings::grace>(),
     .doc = "delay of `channel_vacated` / `member_removed` (`0`: none)"},

    {.name = "webhooks.request_timeout_ms", .type = &kPositiveMilliseconds,
     .field = member<&ServerConfig::webhooks, &webhooks::Settings::request_timeout>(),
     .doc = "an attempt without a 2xx answer within it failed"},

    {.name = "webhooks.retry_window_ms", .type = &kMilliseconds,
     .field = member<&ServerConfig::webhooks, &webhooks::Settings::retry_window>(),
     .doc = "retry until the webhook is this old, then dead-letter it"},

    {.name = "webhooks.retry_initial_ms", .type = &kPositiveMilliseconds,
     .field = member<&ServerConfig::webhooks, &webhooks::Settings::retry_initial>(),
     .doc = "first backoff; doubles after each failure"},

    {.name = "webhooks.retry_max_ms", .type = &kPositiveMilliseconds,
     .field = member<&ServerConfig::webhooks, &webhooks::Settings::retry_max>(),
     .doc = "longest backoff"},

    {.name = "webhooks.shutdown_flush_ms", .type = &kMilliseconds,
     .field = member<&ServerConfig::webhooks, &webhooks::Settings::shutdown_flush>(),
     .doc = "at stop, how long to keep delivering"},

    // In the state directory unless given, so their defaults are in words (state_dir.h).
    {.name = "webhooks.spool_path",
     .default_text = "`webhooks.spool` in `state_dir`",
     .doc = "the spool file, and `<spool_path>.occupancy` the occupancy journal; `\"\"` keeps "
            "undelivered webhooks in memory only (lost at stop) and turns the journal off; a "
            "relative path is relative to the directory `herald serve` runs in",
     .example = "\"/var/lib/herald/webhooks.spool\""},

    {.name = "webhooks.spool_max_bytes", .type = &kPositive,
     .field = member<&ServerConfig::webhooks, &webhooks::Settings::spool_max_bytes>(),
     .doc = "bound of the spool (and of what waits in memory)"},

    {.name = "webhooks.dead_letter_path",
     .default_text = "`webhooks.dead` in `state_dir`",
     .doc = "the dead-letter file; `\"\"` only logs expired webhooks",
     .example = "\"/var/lib/herald/webhooks.dead\""},

    {.name = "app_id", .scope = Scope::App,
     .variable = "HERALD_APP_ID", .flags = "--app-id", .value_name = "ID",
     .check = check_app_name, .field = app_member<&App::id>(),
     .help = "App id for the REST API, the key for an app given by --app-key",
     .doc = "the one app's id ([[apps]] `id`); an app defined by flags or variables takes its key"},

    {.name = "app_key", .scope = Scope::App,
     .variable = "HERALD_APP_KEY", .flags = "--app-key,-k,--app_key", .value_name = "KEY",
     .check = check_app_name, .field = app_member<&App::key>(),
     .help = "App key clients connect with",
     .doc = "the one app's key ([[apps]] `key`)"},

    {.name = "app_secret", .scope = Scope::App,
     .variable = "HERALD_APP_SECRET", .flags = "--app-secret,-s,--secret", .value_name = "SECRET",
     .check = check_secret, .field = app_member<&App::secret>(),
     .help = "App secret that signs REST requests and channel auth",
     .doc = "the one app's secret ([[apps]] `secret`)"},

    {.name = "app_client_events", .scope = Scope::App, .type = &kSwitch,
     .variable = "HERALD_ENABLE_CLIENT_EVENTS",
     .flags = "--enable-client-events,!--disable-client-events",
     .field = app_member<&App::client_events>(),
     .help = "Let clients send client-* events on private/presence channels",
     .doc = "the one app's `client_events`; off for an app defined by flags or variables unless "
            "enabled"},

    {.name = "app_webhook_urls", .scope = Scope::App, .type = &kUrls,
     .variable = "HERALD_WEBHOOK_URL", .flags = "--webhook-url,-b,--webhook_url",
     .value_name = "URL",
     .check = check_webhook_url, .field = app_member<&App::webhook_urls>(),
     .help = "Webhook URL (repeat for several)",
     .doc = "the one app's `webhook_urls` (the flag is repeatable, the variable holds one)"},
};
// clang-format on

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
