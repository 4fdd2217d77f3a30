// herald/cli/setting_options.h
//
// The command-line options of the settings (setting.h): a flag for each setting that has one
// (Slanger's spellings are aliases), Slanger's address flags and -i/--require, each filing what
// it is given in a CommandLine. `herald serve` and `herald config print` take the same ones.
// Owner: the command that adds them, for the life of the process.
#pragma once

#include <span>

#include "herald/cli/config_load.h"
#include "herald/cli/setting.h"

// CLI11's namespace, declared here to keep its large header out of every includer.
namespace CLI {  // NOLINT(readability-identifier-naming)
class App;
}  // namespace CLI

namespace herald::cli {

// Adds the options of `table`'s settings to `command`; they write into `args`, which must outlive
// the parsing.
void add_setting_options(CLI::App& command, CommandLine& args, std::span<const Setting> table);

}  // namespace herald::cli
