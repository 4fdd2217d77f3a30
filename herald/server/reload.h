// herald/server/reload.h
//
// What a configuration reload may change while the server runs, and what it reports. Apps
// change live (added, removed, secrets, switches, limits, webhooks); the log level is the
// caller's. Every other setting (listeners, TLS files, Redis, threads, timeouts...) is fixed when
// the server starts: a reload that changes one reports it as needing a restart and leaves it.
// Owner: none (data and pure functions).
#pragma once

#include <string>
#include <vector>

#include "herald/server/app.h"
#include "herald/server/config.h"

namespace herald::server {

struct ReloadReport {
    std::string error;  // not empty: the reload failed and nothing changed
    AppChanges apps;    // by slot
    std::vector<std::string> added, changed, removed;  // the app ids of `apps`
    std::vector<std::string> needs_restart;            // settings left as they were
    std::vector<std::string> notes;                    // other things the operator should know

    [[nodiscard]] bool ok() const noexcept { return error.empty(); }
};

// The settings (by their configuration names) that differ between the running configuration and
// `next`, apart from the apps and the log level.
[[nodiscard]] std::vector<std::string> settings_needing_restart(const ServerConfig& running,
                                                                const ServerConfig& next);

}  // namespace herald::server
