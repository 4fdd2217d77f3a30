// herald/cli/slanger_options.h
//
// Slanger's YAML configuration file (`-C FILE`), read into the same settings as Herald's own
// file so that a Slanger deployment moves over unchanged: app_key, secret, api_host/api_port,
// websocket_host/websocket_port, redis_address, webhook_url, debug, activity_timeout, pid_file
// and tls_options (docs/CONFIGURATION.md has the full mapping). Unknown keys are errors.
// Owner: none (pure function), used while `herald` starts.
#pragma once

#include <span>
#include <string_view>

#include "herald/cli/settings.h"

namespace herald::cli {

// Parses one YAML document into the settings of `table` that Slanger's keys name. `source` names
// it in messages. Throws ConfigError.
[[nodiscard]] Settings parse_slanger_yaml(std::string_view text, std::string_view source,
                                          std::span<const Setting> table = settings_table());

}  // namespace herald::cli
