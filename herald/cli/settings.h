// herald/cli/settings.h
//
// One layer of configuration (a file, the HERALD_* variables or the command line) as the values
// it gives, each filed under its setting's name (setting.h) with its origin, and the two steps
// that turn layers into a ServerConfig: overlay (a later layer's values replace an earlier one's)
// and resolve (each setting's value stored, then the cross-field checks and the one app).
// Owner: none (plain data and pure functions), used while `herald` starts.
#pragma once

#include <functional>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "herald/cli/config_values.h"
#include "herald/cli/setting.h"
#include "herald/server/app.h"
#include "herald/server/config.h"

namespace herald::cli {

struct Settings {
    std::map<std::string, Given<Value>, std::less<>> values;  // by Setting::name
    // The structured part of a TOML file, kept whole rather than described setting by setting.
    Given<std::vector<server::App>> apps;  // [[apps]], already checked

    void set(std::string_view name, Value value, std::string origin);

    // The setting's value and origin, or null when this layer does not give it.
    [[nodiscard]] const Given<Value>* find(std::string_view name) const;

    // The same with its type (the setting's Value alternative).
    template <typename T>
    [[nodiscard]] Given<T> get(std::string_view name) const {
        Given<T> out;
        if (const auto* given = find(name)) {
            out.set(std::get<T>(*given->value), given->origin);
        }
        return out;
    }
};

// Every value `top` gives replaces the one in `base`.
void overlay(Settings& base, const Settings& top);

// The configuration to run: each given value stored in its setting's field, defaults for the
// rest, then the checks that need several values at once. Throws ConfigError.
//   - api_host needs api_port; the API listener must differ from the WebSocket one.
//   - TLS needs both files, and both must exist.
//   - state_dir and the webhook files are stored as given; what is not given stays as in a
//     default ServerConfig (place_state, state_dir.h, fills them in for `herald serve`).
//   - The one app: with no [[apps]], flags/variables giving a key or secret define the app (key
//     and secret both required, id defaulting to the key); giving neither keeps the development
//     app. With one [[apps]] entry they override its fields. With several they are an error.
[[nodiscard]] server::ServerConfig resolve(const Settings& settings,
                                           std::span<const Setting> table = settings_table());

}  // namespace herald::cli
