// herald/cli/config_init.h
//
// `herald config init`: a commented TOML configuration file with every setting of the file at
// its default, written from the setting table (setting.h) so that it always lists the settings
// the reader knows, and a commented example [[apps]] entry at the end.
// Owner: none (pure function).
#pragma once

#include <span>
#include <string>

#include "herald/cli/setting.h"

namespace herald::cli {

// The first line of the example [[apps]] entry; every line from it to the end is commented out.
inline constexpr std::string_view kAppsExample = "# [[apps]]";

// The file. `herald config check` accepts it, and it configures what no file configures.
[[nodiscard]] std::string initial_config(std::span<const Setting> table = settings_table());

}  // namespace herald::cli
