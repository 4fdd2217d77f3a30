// herald/cli/state_dir.h
//
// The state directory: one place for the files `herald serve` keeps across restarts (the webhook
// spool, the dead-letter file and the occupancy journal beside the spool). Given by state_dir
// (--state-dir, HERALD_STATE_DIR), else the first usable of /var/lib/herald,
// $XDG_STATE_HOME/herald and ~/.local/state/herald. A file path given explicitly is used as is.
// Owner: none (functions), used while `herald` starts.
#pragma once

#include <string>
#include <string_view>

#include "herald/cli/config_load.h"
#include "herald/cli/settings.h"
#include "herald/server/config.h"

namespace herald::cli {

inline constexpr std::string_view kSystemStateDir = "/var/lib/herald";

// The state directory when none is given: `system` (kSystemStateDir) when it is a writable
// directory or can be created in a writable parent, else $XDG_STATE_HOME/herald (an absolute
// XDG_STATE_HOME), else $HOME/.local/state/herald, else the working directory.
[[nodiscard]] std::string default_state_dir(const Environment& env,
                                            std::string_view system = kSystemStateDir);

// Sets config.state_dir (given, or the default) and puts the webhook files that `settings` does
// not name into it.
void place_state(const Settings& settings, const Environment& env, server::ServerConfig& config);

// Creates the state directory (and its parents) when missing. Throws std::runtime_error naming
// the directory and the reason when it cannot be created or is not a directory.
void create_state_dir(const std::string& path);

}  // namespace herald::cli
