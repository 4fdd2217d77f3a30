#include "herald/cli/serve_command.h"

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "herald/cli/serve.h"

namespace herald::cli {

namespace {

constexpr const char* kServerGroup = "Server";
constexpr const char* kAppGroup = "The app (several apps: use [[apps]] in a config file)";
constexpr const char* kSlangerGroup = "Slanger's options (for users moving from Slanger)";

// `label` is the spelling error messages use for every alias of the option.
CLI::Option* text(CLI::App& cmd, const std::string& names, const std::string& label,
                  Given<std::string>& target, const std::string& help) {
    auto* option = cmd.add_option_function<std::string>(
            names, [&target, label](const std::string& v) { target.set(v, label); }, help);
    option->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
    return option;
}

CLI::Option* flag(CLI::App& cmd, const std::string& names, const std::string& label,
                  Given<bool>& target, const std::string& help) {
    return cmd.add_flag_function(
            names, [&target, label](std::int64_t n) { target.set(n > 0, label); }, help);
}

CLI::Option* list(CLI::App& cmd, const std::string& names, const std::string& label,
                  Given<std::vector<std::string>>& target, const std::string& help) {
    auto* option = cmd.add_option_function<std::vector<std::string>>(
            names, [&target, label](const std::vector<std::string>& v) { target.set(v, label); },
            help);
    option->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)->expected(1);
    return option;
}

}  // namespace

ServeCommand::ServeCommand(CLI::App& parent)
    : command_(parent.add_subcommand("serve",
                                     "Run the Pusher-compatible server until SIGINT or "
                                     "SIGTERM")) {
    command_->footer(
            "Precedence: flags > HERALD_* variables > config file > defaults. With no "
            "configuration: 127.0.0.1:6001 and the development app (id app-id, key app-key, "
            "secret app-secret). Every setting: docs/CONFIGURATION.md");
    add_server_options();
    add_app_options();
    add_slanger_options();
}

void ServeCommand::add_server_options() {
    auto& cmd = *command_;
    auto& a = args_;
    text(cmd, "--config,-C,--config_file", "--config", a.config_file,
         "Config file: TOML, or Slanger's YAML when it ends in .yml/.yaml (env HERALD_CONFIG)")
            ->type_name("FILE")
            ->group(kServerGroup);
    text(cmd, "--host", "--host", a.host, "Address to listen on (default 127.0.0.1)")
            ->type_name("HOST")
            ->group(kServerGroup);
    text(cmd, "--port", "--port", a.port, "WebSocket (and REST) port; 0 picks one (default 6001)")
            ->type_name("PORT")
            ->group(kServerGroup);
    text(cmd, "--api-host", "--api-host", a.api_host,
         "REST API address when it has its own port (default: --host)")
            ->type_name("HOST")
            ->group(kServerGroup);
    text(cmd, "--api-port", "--api-port", a.api_port,
         "Serve the REST API on this port instead of the WebSocket port")
            ->type_name("PORT")
            ->group(kServerGroup);
    text(cmd, "--threads", "--threads", a.threads, "Worker threads; 0: one per core (default 0)")
            ->type_name("N")
            ->group(kServerGroup);
    text(cmd, "--path-prefix", "--path-prefix", a.path_prefix,
         "Path before /app/{key}, e.g. /ws (default none)")
            ->type_name("PATH")
            ->group(kServerGroup);
    text(cmd, "--activity-timeout,-t,--activity_timeout", "--activity-timeout", a.activity_timeout,
         "Seconds of silence before clients ping (default 120)")
            ->type_name("SECONDS")
            ->group(kServerGroup);
    flag(cmd, "--strict-protocol", "--strict-protocol", a.strict_protocol,
         "Refuse connections without ?protocol= (4008) instead of assuming 7")
            ->group(kServerGroup);
    flag(cmd, "-v,--verbose,!--no-verbose", "--verbose", a.verbose, "Log every frame in and out")
            ->group(kServerGroup);
    text(cmd, "--log-level", "--log-level", a.log_level,
         "trace, debug, info, warn, error or off (default info)")
            ->type_name("LEVEL")
            ->group(kServerGroup);
    text(cmd, "--pid-file,--pid_file", "--pid-file", a.pid_file,
         "Write the process id to FILE while running")
            ->type_name("FILE")
            ->group(kServerGroup);
    text(cmd, "--redis-url,-r,--redis_address", "--redis-url", a.redis_url,
         "Redis shared by the nodes of a cluster: redis://[:password@]host[:port][/db]")
            ->type_name("URL")
            ->group(kServerGroup);
    text(cmd, "--cluster-lease-ms", "--cluster-lease-ms", a.cluster_lease,
         "Milliseconds after which a silent node's members are removed (default 10000)")
            ->type_name("MS")
            ->group(kServerGroup);
    text(cmd, "--cert-file,-c,--cert_file", "--cert-file", a.tls_certificate_chain,
         "TLS certificate chain, PEM")
            ->type_name("FILE")
            ->group(kServerGroup);
    text(cmd, "--private-key-file,-p,--private_key_file", "--private-key-file", a.tls_private_key,
         "TLS private key, PEM")
            ->type_name("FILE")
            ->group(kServerGroup);
}

void ServeCommand::add_app_options() {
    auto& cmd = *command_;
    auto& a = args_;
    text(cmd, "--app-id", "--app-id", a.app_id, "App id for the REST API (default: the key)")
            ->type_name("ID")
            ->group(kAppGroup);
    text(cmd, "--app-key,-k,--app_key", "--app-key", a.app_key, "App key clients connect with")
            ->type_name("KEY")
            ->group(kAppGroup);
    text(cmd, "--app-secret,-s,--secret", "--app-secret", a.app_secret,
         "App secret that signs REST requests and channel auth")
            ->type_name("SECRET")
            ->group(kAppGroup);
    flag(cmd, "--enable-client-events,!--disable-client-events", "--enable-client-events",
         a.enable_client_events, "Let clients send client-* events on private/presence channels")
            ->group(kAppGroup);
    list(cmd, "--webhook-url,-b,--webhook_url", "--webhook-url", a.webhook_urls,
         "Webhook URL (repeat for several)")
            ->type_name("URL")
            ->group(kAppGroup);
}

void ServeCommand::add_slanger_options() {
    auto& cmd = *command_;
    auto& a = args_;
    text(cmd, "-w,--websocket_host", "--websocket_host", a.websocket_address,
         "WebSocket address HOST[:PORT] (same as --host/--port)")
            ->type_name("HOST:PORT")
            ->group(kSlangerGroup);
    text(cmd, "-a,--api_host", "--api_host", a.api_address,
         "REST API address HOST[:PORT] on its own listener (same as --api-host/--api-port)")
            ->type_name("HOST:PORT")
            ->group(kSlangerGroup);
    list(cmd, "-i,--require", "--require", a.ruby_requires,
         "Slanger's Ruby plugins: not supported (an error)")
            ->type_name("FILE")
            ->group(kSlangerGroup);
}

bool ServeCommand::chosen() const {
    return command_->parsed();
}

int ServeCommand::run() const {
    const auto env = process_environment();
    server::ServerConfig config;
    try {
        config = load_config(args_, env);
    } catch (const ConfigError& e) {
        std::fprintf(stderr, "herald: %s\n", e.what());
        return 2;
    }
    for (const auto& warning : environment_warnings(env)) {
        std::fprintf(stderr, "herald: warning: %s\n", warning.c_str());
    }
    return serve(config);
}

}  // namespace herald::cli
