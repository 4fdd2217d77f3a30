// herald/cli/serve.h
//
// Runs a configured PusherServer as the `herald serve` process: logging set up from the config,
// the listening URLs and a loud warning when the development credentials are in use, the pid
// file, a reload of the configuration on SIGHUP, and a clean stop (drain, then exit) on SIGINT or
// SIGTERM.
// Owner: the process's main thread.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "herald/server/config.h"
#include "herald/server/server.h"

namespace herald::cli {

// Builds the configuration again for a reload; throws (ConfigError) when it is invalid.
using ConfigSource = std::function<server::ServerConfig()>;

// Runs until SIGINT or SIGTERM. Returns the exit status: 0 after a clean stop, 1 when the server
// cannot start or the pid file cannot be written (the reason is logged). On SIGHUP, `reload`
// (when given) is asked for the configuration again and the server applies what can change
// live; an invalid configuration changes nothing.
[[nodiscard]] int serve(const server::ServerConfig& config, ConfigSource reload = {});

// Applies `next` to `server` (or, when the source threw, counts a failed reload) and logs what
// changed, what needs a restart and why a reload failed. Returns whether it succeeded.
bool reload_config(server::PusherServer& server, const ConfigSource& source);

// Whether an app uses the development app's key or secret (anyone may know them).
[[nodiscard]] bool uses_development_credentials(const server::ServerConfig& config);

// The lines announcing where clients, the REST API and the admin listener reach the server,
// given the ports it bound (which differ from the config's when it asked for port 0).
[[nodiscard]] std::vector<std::string> listening_lines(
        const server::ServerConfig& config, std::uint16_t port,
        std::optional<std::uint16_t> api_port,
        std::optional<std::uint16_t> admin_port = std::nullopt);

// Writes this process's id to a file and removes the file again when destroyed.
class PidFile {
public:
    // Throws std::runtime_error naming the path and the reason when the file cannot be written.
    explicit PidFile(std::optional<std::string> path);
    ~PidFile();
    PidFile(const PidFile&) = delete;
    PidFile& operator=(const PidFile&) = delete;

private:
    std::optional<std::string> path_;
};

}  // namespace herald::cli
