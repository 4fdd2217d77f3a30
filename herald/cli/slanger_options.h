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

// Reads one YAML document into the settings of `table` that Slanger's keys name, recording every
// problem in `diagnostics` (`slanger.yml:3:1: ...`). `source` names it in messages.
[[nodiscard]] Settings read_slanger_yaml(std::string_view text, std::string_view source,
                                         Diagnostics& diagnostics,
                                         std::span<const Setting> table = settings_table());

// The same, throwing the first problem as a ConfigError.
[[nodiscard]] Settings parse_slanger_yaml(std::string_view text, std::string_view source,
                                          std::span<const Setting> table = settings_table());

}  // namespace herald::cli
