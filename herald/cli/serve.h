// herald/cli/serve.h
//
// Runs a configured PusherServer as the `herald serve` process: logging set up from the config,
// the listening URLs and a loud warning when the development credentials are in use, the pid
// file, and a clean stop (drain, then exit) on SIGINT or SIGTERM.
// Owner: the process's main thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "herald/server/config.h"

namespace herald::cli {

// Runs until SIGINT or SIGTERM. Returns the exit status: 0 after a clean stop, 1 when the server
// cannot start or the pid file cannot be written (the reason is logged).
[[nodiscard]] int serve(const server::ServerConfig& config);

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
