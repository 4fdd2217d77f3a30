// herald/cli/config_toml.h
//
// Herald's own configuration file (TOML, docs/CONFIGURATION.md): the settings setting.h describes
// (top-level keys, and tables such as [tls] for dotted names), a [webhooks] table and an [[apps]]
// array whose entries each have an [apps.limits] table. Every key is checked for its type and
// range; unknown keys and duplicate app ids or keys are errors.
// Owner: none (pure function), used while `herald` starts.
#pragma once

#include <span>
#include <string_view>

#include "herald/cli/settings.h"

namespace herald::cli {

// Parses one document. `source` names it in messages (`config error: herald.toml:12: ...`).
// Throws ConfigError.
[[nodiscard]] Settings parse_toml_config(std::string_view text, std::string_view source,
                                         std::span<const Setting> table = settings_table());

}  // namespace herald::cli
