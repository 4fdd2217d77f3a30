// herald/cli/listen_command.h
//
//   herald listen [OPTIONS] CHANNEL...
// Subscribes to the channels through herald::client and prints each event on stdout, one JSON
// line each (listen_output.h), or one readable line with --pretty. The connection comes from
// --ws-url ws[s]://HOST:PORT/app/KEY or, when absent, from --url / HERALD_URL / PUSHER_URL (the
// key, host and port of the API URL). Private and presence channels are authorized through
// --auth-endpoint (with --auth-header K:V), or signed locally when the API URL gives the
// secret (--user-id and --user-info for presence, --encryption-master-key for encrypted
// channels). --signin signs the user in (--user-auth-endpoint, or locally as --user-id) and
// prints the events sent to the user and its watchlist's. --event keeps one event name,
// --count N exits after N events, --timeout S exits when S seconds pass without an event.
// Exit status: 0 after --count events, 1 on --timeout or a connection the server refused,
// 2 for bad usage, 3 when a subscription or the sign-in is refused (the reason on stderr).
// Owner: main(), for the life of the process.
#pragma once

#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "herald/cli/config_load.h"
#include "herald/client/client.h"
#include "herald/util/result.h"

namespace CLI {  // NOLINT(readability-identifier-naming)
class App;
}  // namespace CLI

namespace herald::cli {

inline constexpr int kListenTimedOut = 1;
inline constexpr int kListenUsage = 2;
inline constexpr int kListenRefused = 3;

// What the command line asks for, checked.
struct ListenSettings {
    client::Options client;
    std::vector<std::string> channels;
    std::optional<std::string> event;  // only this event name
    std::optional<std::uint64_t> count;
    std::optional<double> timeout_seconds;
    bool pretty = false;
    bool signin = false;
};

class ListenCommand {
public:
    explicit ListenCommand(CLI::App& parent);

    [[nodiscard]] bool chosen() const;

    // The settings from the parsed flags over `env`, or what is wrong with them.
    [[nodiscard]] util::Result<ListenSettings, std::string> settings(const Environment& env) const;

    // Runs until --count, --timeout, a refusal or the end of the process.
    [[nodiscard]] int run(const Environment& env, std::FILE* out, std::FILE* err) const;

private:
    struct Args {
        std::vector<std::string> channels;
        std::optional<std::string> ws_url;
        std::optional<std::string> url;
        std::optional<std::string> auth_endpoint;
        std::vector<std::string> auth_headers;
        std::optional<std::string> user_id;
        std::optional<std::string> user_info;
        std::optional<std::string> master_key;
        bool signin = false;
        std::optional<std::string> user_auth_endpoint;
        std::vector<std::string> watchlist;
        std::optional<std::string> event;
        std::optional<std::uint64_t> count;
        std::optional<double> timeout;
        bool insecure = false;
        std::optional<std::string> ca_file;
        bool pretty = false;
    };

    Args args_;
    CLI::App* command_ = nullptr;
};

}  // namespace herald::cli
