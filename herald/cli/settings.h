// herald/cli/settings.h
//
// One layer of configuration (a file, the HERALD_* variables or the command line) as the values
// it gives, each with its origin, and the two steps that turn layers into a ServerConfig: overlay
// (a later layer's values replace an earlier one's) and resolve (defaults, cross-field checks,
// the one app that flags and variables describe).
// Owner: none (plain data and pure functions), used while `herald` starts.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "herald/cli/config_values.h"
#include "herald/server/app.h"
#include "herald/server/config.h"
#include "herald/webhooks/settings.h"

namespace herald::cli {

// The one app described by --app-id/--app-key/..., HERALD_APP_* or a Slanger file.
struct AppSettings {
    Given<std::string> id;
    Given<std::string> key;
    Given<std::string> secret;
    Given<bool> client_events;
    Given<std::vector<std::string>> webhook_urls;

    // The origin of the first value given ("--app-key"), or empty when none is.
    [[nodiscard]] std::string first_origin() const;
};

struct Settings {
    Given<std::string> host;
    Given<std::uint16_t> port;
    Given<std::string> api_host;
    Given<std::uint16_t> api_port;
    Given<std::size_t> threads;
    Given<std::string> path_prefix;
    Given<std::chrono::seconds> activity_timeout;
    Given<std::chrono::seconds> pong_timeout;
    Given<std::chrono::seconds> user_authentication_timeout;
    Given<bool> strict_protocol;
    Given<bool> verbose;
    Given<std::string> log_level;
    Given<std::string> pid_file;
    Given<std::string> redis_url;
    Given<std::chrono::milliseconds> cluster_lease;
    Given<std::string> tls_certificate_chain;
    Given<std::string> tls_private_key;
    Given<std::vector<server::App>> apps;  // a TOML file's [[apps]], already checked
    Given<webhooks::Settings> webhooks;    // a TOML file's [webhooks]
    AppSettings app;
};

// Every value `top` gives replaces the one in `base`.
void overlay(Settings& base, const Settings& top);

// The configuration to run: defaults for what no layer gave, then the checks that need several
// values at once. Throws ConfigError.
//   - api_host needs api_port; the API listener must differ from the WebSocket one.
//   - TLS needs both files, and both must exist.
//   - The one app: with no [[apps]], flags/variables giving a key or secret define the app (key
//     and secret both required, id defaulting to the key); giving neither keeps the development
//     app. With one [[apps]] entry they override its fields. With several they are an error.
[[nodiscard]] server::ServerConfig resolve(const Settings& settings);

}  // namespace herald::cli
