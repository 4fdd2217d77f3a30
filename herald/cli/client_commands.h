// herald/cli/client_commands.h
//
// The `herald` subcommands that talk to a running server through herald::sdk, or sign for it:
//   herald trigger CHANNEL... EVENT DATA [--socket-id ID] [--info ATTRS]   (1 to 100 channels)
//   herald channels [--prefix P] [--info ATTRS]
//   herald channel NAME [--info ATTRS]
//   herald users NAME
//   herald auth CHANNEL SOCKET_ID [--user-id ID] [--user-info JSON]
//   herald keygen
// They print the server's JSON (or, with --pretty, a table) on stdout. Exit status: 0 on success,
// 1 when the server refused the request or could not be reached (its message on stderr), 2 for
// bad arguments or missing credentials.
// Owner: main(), for the life of the process.
#pragma once

#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "herald/cli/api_credentials.h"
#include "herald/cli/config_load.h"

namespace herald::sdk {
class Client;
}  // namespace herald::sdk

namespace herald::cli {

class ClientCommands {
public:
    explicit ClientCommands(CLI::App& parent);

    // The exit status of the chosen subcommand, or nullopt when none of these was chosen.
    [[nodiscard]] std::optional<int> run(const Environment& env, std::FILE* out,
                                         std::FILE* err) const;

private:
    struct Args {
        std::string channel;
        std::vector<std::string> trigger_words;  // CHANNEL... EVENT DATA, split in execute()
        std::string socket_id;
        std::optional<std::string> socket_id_flag;
        std::optional<std::string> info;
        std::optional<std::string> prefix;
        std::optional<std::string> user_id;
        std::optional<std::string> user_info;
        bool pretty = false;
    };

    CLI::App* add(CLI::App& parent, const std::string& name, const std::string& help);
    [[nodiscard]] std::string execute(const std::string& command, const Environment& env) const;
    [[nodiscard]] std::string trigger(sdk::Client& client) const;

    CredentialFlags credentials_;
    Args args_;
    CLI::App* trigger_ = nullptr;
    CLI::App* channels_ = nullptr;
    CLI::App* channel_ = nullptr;
    CLI::App* users_ = nullptr;
    CLI::App* auth_ = nullptr;
    CLI::App* keygen_ = nullptr;
};

// A new app's credentials: a numeric app id, a 20-hex-digit key and secret (the hosted
// service's shapes) and a base64 32-byte encryption master key, from OpenSSL's CSPRNG.
struct GeneratedApp {
    std::string app_id;
    std::string key;
    std::string secret;
    std::string master_key_base64;
};

[[nodiscard]] GeneratedApp generate_app();

}  // namespace herald::cli
