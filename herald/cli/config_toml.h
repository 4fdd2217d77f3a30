// herald/cli/config_toml.h
//
// Herald's own configuration file (TOML, docs/CONFIGURATION.md): the settings setting.h describes
// (top-level keys, and tables such as [tls] or [webhooks] for dotted names) and an [[apps]]
// array whose entries each have an [apps.limits] table. Every key is checked for its type and
// range; unknown keys and duplicate app ids or keys are errors.
// Owner: none (pure function), used while `herald` starts.
#pragma once

#include <cstddef>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

#include "herald/cli/settings.h"

namespace herald::cli {

// Reads one document, recording every problem in `diagnostics` (`herald.toml:12:5: ...`; the
// settings are then incomplete). `source` names it in messages.
[[nodiscard]] Settings read_toml_config(std::string_view text, std::string_view source,
                                        Diagnostics& diagnostics,
                                        std::span<const Setting> table = settings_table());

// The same, throwing the first problem as a ConfigError.
[[nodiscard]] Settings parse_toml_config(std::string_view text, std::string_view source,
                                         std::span<const Setting> table = settings_table());

// The keys of [apps.limits] with their defaults (a default AppLimits), in the order the file
// reference lists them.
[[nodiscard]] std::vector<std::pair<std::string_view, std::size_t>> default_app_limits();

}  // namespace herald::cli
