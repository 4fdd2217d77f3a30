// herald/cli/apps_command.h
//
// `herald apps`: the apps of an app store (docs/APP_STORE.md).
//   herald apps list                  every row
//   herald apps show ID               one row
//   herald apps add [OPTIONS]         a new row; key and secret made as `herald keygen` does
//   herald apps update ID [OPTIONS]   the columns given change, the others stay
//   herald apps remove ID
// The store is --app-store URL, else HERALD_APP_STORE (table: --app-store-table or
// HERALD_APP_STORE_TABLE; password: HERALD_APP_STORE_PASSWORD). Without a store, `add` prints the
// [[apps]] block to paste into the configuration file. --json prints JSON. Exit status: 0, 1 when
// the store fails or has no such app, 2 for a bad option or value.
// Owner: main(), for the life of the process.
#pragma once

#include <cstdint>
#include <cstdio>
#include <map>
#include <optional>
#include <string>

#include "herald/cli/config_load.h"

namespace CLI {  // NOLINT(readability-identifier-naming)
class App;
}  // namespace CLI

namespace herald::cli {

class AppsCommand {
public:
    explicit AppsCommand(CLI::App& parent);
    AppsCommand(const AppsCommand&) = delete;  // the options write into this object
    AppsCommand& operator=(const AppsCommand&) = delete;

    // The exit status, or nullopt when `apps` was not chosen.
    [[nodiscard]] std::optional<int> run(const Environment& env, std::FILE* out,
                                         std::FILE* err) const;

private:
    struct Options {
        std::string store;
        std::string table;
        bool json = false;
        std::string id;  // show, update, remove: the positional ID; add: --id
        std::optional<std::string> key;
        std::optional<std::string> secret;
        std::optional<bool> enabled;
        std::optional<bool> client_events;
        std::optional<bool> user_authentication;
        std::optional<std::string> webhooks;
        std::map<std::string, std::int64_t> limits;  // soketi column -> value
    };

    CLI::App* command_ = nullptr;
    Options options_;
};

}  // namespace herald::cli
