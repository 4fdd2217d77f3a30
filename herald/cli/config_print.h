// herald/cli/config_print.h
//
// `herald config print`: the configuration `herald serve` would run with, after flags, HERALD_*
// variables, the file and the defaults, one setting a line with where its value came from
// (`default`, `file FILE:LINE`, `env HERALD_X`, `flag --x`), then the apps. Secrets are masked:
// app secrets, and the password of a URL (Redis, webhooks).
// Owner: none (pure functions).
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "herald/cli/config_load.h"
#include "herald/cli/setting.h"
#include "herald/server/config.h"

namespace herald::cli {

// Where a value of `layers` came from, as `config print` shows it; "default" when no layer
// gives `name`.
[[nodiscard]] std::string source_of(const Layers& layers, std::string_view name);

// `url` with the password of its user information replaced by "***".
[[nodiscard]] std::string mask_password(std::string_view url);

// The listing. `config` is what `layers` resolve to (load_config).
[[nodiscard]] std::string print_config(const Layers& layers, const server::ServerConfig& config,
                                       std::span<const Setting> table = settings_table());

}  // namespace herald::cli
