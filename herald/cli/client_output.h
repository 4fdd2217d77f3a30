// herald/cli/client_output.h
//
// How the client subcommands print answers: the JSON as the server sent it (for scripts), or
// with --pretty a readable table: channels and their attributes in columns, one channel's
// attributes as "name  value" lines, presence members one per line.
// Owner: none (pure functions).
#pragma once

#include <string>

#include "herald/sdk/json.h"

namespace herald::cli {

// {"channels":{"name":{attrs}}} as a table with a CHANNEL column and one column per attribute
// seen; "(no channels)" when empty.
[[nodiscard]] std::string channels_table(const sdk::Json& answer);

// An object's members as aligned "name  value" lines (nested values as compact JSON).
[[nodiscard]] std::string key_value_lines(const sdk::Json& object);

// {"users":[{"id":..}]}: one id per line, "(no users)" when empty.
[[nodiscard]] std::string user_lines(const sdk::Json& answer);

}  // namespace herald::cli
