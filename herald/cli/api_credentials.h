// herald/cli/api_credentials.h
//
// Where the client subcommands (trigger, channels, channel, users, auth) find the app and the
// API: flags first (--url, then --app-id, --key, --secret, --host, --port, --cluster, --tls,
// --no-tls, --ca-file, --insecure, ...), over HERALD_URL, else PUSHER_URL. The result is
// herald::sdk options; what is missing is reported with a hint.
// Owner: the subcommand being run.
#pragma once

#include <optional>
#include <string>

#include "herald/cli/config_load.h"
#include "herald/sdk/options.h"

namespace CLI {  // NOLINT(readability-identifier-naming)
class App;
}  // namespace CLI

namespace herald::cli {

struct CredentialFlags {
    std::optional<std::string> url;
    std::optional<std::string> app_id;
    std::optional<std::string> key;
    std::optional<std::string> secret;
    std::optional<std::string> host;
    std::optional<std::string> port;
    std::optional<std::string> cluster;
    std::optional<bool> use_tls;
    std::optional<std::string> timeout_seconds;
    std::optional<std::string> proxy;
    std::optional<std::string> ca_file;
    bool insecure = false;
    std::optional<std::string> master_key;
};

// Adds the flags above to `command`, filling `flags` when parsed.
void add_credential_flags(CLI::App& command, CredentialFlags& flags);

// The client options from `flags` over `env`. Throws sdk::ConfigurationError naming what is
// wrong or missing.
[[nodiscard]] sdk::Options api_options(const CredentialFlags& flags, const Environment& env);

}  // namespace herald::cli
