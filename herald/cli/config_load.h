// herald/cli/config_load.h
//
// Builds the ServerConfig that `herald serve` runs from, in order of precedence: built-in
// defaults < the configuration file (Herald TOML, or Slanger YAML) < HERALD_* environment
// variables < command-line flags. The environment is passed in as a map so the whole merge is
// testable without touching the process; docs/CONFIGURATION.md lists every key, variable and flag.
// Owner: none (functions), used while `herald` starts.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "herald/cli/config_values.h"
#include "herald/server/config.h"

namespace herald::cli {

// Environment variables by name.
using Environment = std::map<std::string, std::string, std::less<>>;

// The process environment (environ), read once.
[[nodiscard]] Environment process_environment();

// What `herald serve` was given on its command line, as text, each value with the spelling the
// user typed ("--port", "-k"): unset fields were not given. The loader checks the text, so flags
// fail with the same messages as the file and the environment.
struct CommandLine {
    Given<std::string> config_file;  // --config, -C/--config_file (.yml/.yaml: Slanger's format)
    Given<std::string> host;         // --host HOST
    Given<std::string> port;         // --port PORT
    Given<std::string> websocket_address;  // -w/--websocket_host HOST[:PORT]
    Given<std::string> api_host;           // --api-host HOST
    Given<std::string> api_port;           // --api-port PORT
    Given<std::string> api_address;        // -a/--api_host HOST[:PORT]
    Given<std::string> threads;
    Given<std::string> path_prefix;
    Given<std::string> activity_timeout;  // seconds
    Given<bool> strict_protocol;
    Given<bool> verbose;
    Given<std::string> log_level;
    Given<std::string> pid_file;
    Given<std::string> redis_url;              // --redis-url, -r/--redis_address
    Given<std::string> cluster_lease;          // --cluster-lease-ms
    Given<std::string> tls_certificate_chain;  // --cert-file, -c/--cert_file
    Given<std::string> tls_private_key;        // --private-key-file, -p/--private_key_file
    Given<std::string> app_id;
    Given<std::string> app_key;     // --app-key, -k/--app_key
    Given<std::string> app_secret;  // --app-secret, -s/--secret
    Given<bool> enable_client_events;
    Given<std::vector<std::string>> webhook_urls;   // -b/--webhook-url, repeatable
    Given<std::vector<std::string>> ruby_requires;  // Slanger's -i/--require: always an error
};

// Merges the layers and checks the result. Throws ConfigError (docs/CONFIGURATION.md shows the
// messages), never starts anything. Reads the configuration file if one is named.
[[nodiscard]] server::ServerConfig load_config(const CommandLine& args, const Environment& env);

// HERALD_* variables that are not Herald settings but are one or two letters away from one
// ("HERALD_PROT"), each as a warning line. Other HERALD_* names are left alone: build and test
// scripts use some.
[[nodiscard]] std::vector<std::string> environment_warnings(const Environment& env);

}  // namespace herald::cli
