#include "herald/cli/serve.h"

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <exception>
#include <fstream>
#include <stdexcept>
#include <system_error>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <pthread.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include "herald/cli/app_store.h"
#include "herald/cli/json_log.h"
#include "herald/cli/state_dir.h"
#include "herald/server/app.h"

namespace herald::cli {

namespace {

std::string url_host(const std::string& host) {
    return host.find(':') == std::string::npos ? host : "[" + host + "]";
}

bool is_loopback(const std::string& host) {
    return host == "localhost" || host == "::1" || host.starts_with("127.");
}

void set_up_logging(const server::ServerConfig& config) {
    auto logger = spdlog::get("herald");
    if (!logger) {
        logger = spdlog::stderr_color_mt("herald");
    }
    if (config.log_format == "json") {
        logger->set_formatter(std::make_unique<JsonLogFormatter>());
    }
    spdlog::set_default_logger(logger);
    spdlog::set_level(spdlog::level::from_str(config.log_level));
}

void warn_development_credentials(const server::ServerConfig& config) {
    const auto dev = server::development_app();
    spdlog::warn("****************************************************************************");
    spdlog::warn("DEVELOPMENT CREDENTIALS IN USE (key \"{}\", secret \"{}\"): anyone who knows",
                 dev.key, dev.secret);
    spdlog::warn("them can publish to and read every channel of that app. Give your own app");
    spdlog::warn("with --app-key/--app-secret, HERALD_APP_KEY/HERALD_APP_SECRET or [[apps]] in");
    spdlog::warn("a config file (docs/CONFIGURATION.md) before this server is reachable.");
    if (!is_loopback(config.listen.host)) {
        spdlog::warn("THIS SERVER LISTENS ON {}, NOT ONLY ON LOOPBACK.", config.listen.host);
    }
    spdlog::warn("****************************************************************************");
}

// SIGINT, SIGTERM and SIGHUP are blocked in every thread (the server's workers inherit the mask
// when they start) and taken with sigwait() here, so no handler runs in signal context.
sigset_t handled_signals() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGHUP);
    return set;
}

// Reloads on each SIGHUP until SIGINT or SIGTERM, which it returns.
int wait_for_stop_signal(const sigset_t& set, server::PusherServer& server,
                         const ConfigSource& reload) {
    for (;;) {
        int received = 0;
        if (sigwait(&set, &received) != 0) {
            continue;
        }
        if (received != SIGHUP) {
            return received;
        }
        if (reload) {
            spdlog::info("SIGHUP received: reloading the configuration");
            reload_config(server, reload);
        } else {
            spdlog::warn("SIGHUP received, but there is no configuration to reload");
        }
    }
}

const char* signal_name(int signal) {
    return signal == SIGINT ? "SIGINT" : "SIGTERM";
}

// The node stops being ready at once and keeps serving for `period` (or until a second signal),
// so that a load balancer sees /readyz fail and moves traffic away before the connections close.
void drain(server::PusherServer& server, std::chrono::seconds period, const sigset_t& set,
           int signal) {
    server.begin_drain();
    if (period.count() == 0) {
        spdlog::info("{} received: closing connections (4200, reconnect) and stopping",
                     signal_name(signal));
        return;
    }
    spdlog::info(
            "{} received: draining for {} s (/readyz answers 503, connections are still served); "
            "a second signal stops at once",
            signal_name(signal), period.count());
    const auto deadline = std::chrono::steady_clock::now() + period;
    for (;;) {
        const auto left = deadline - std::chrono::steady_clock::now();
        if (left <= std::chrono::steady_clock::duration::zero()) {
            break;
        }
        const auto seconds = std::chrono::floor<std::chrono::seconds>(left);
        const auto nanos = std::chrono::duration_cast<std::chrono::nanoseconds>(left - seconds);
        const timespec wait{static_cast<time_t>(seconds.count()), static_cast<long>(nanos.count())};
        const int second = sigtimedwait(&set, nullptr, &wait);
        if (second > 0) {
            spdlog::info("{} received during the drain: stopping now", signal_name(second));
            return;
        }
        if (errno == EAGAIN) {
            break;
        }
    }
    spdlog::info("drain over: closing connections (4200, reconnect) and stopping");
}

std::string joined(const std::vector<std::string>& names) {
    return names.empty() ? "none" : fmt::format("{}", fmt::join(names, ", "));
}

// SIGINT and SIGTERM: what a drain waits for, and what ends the stop at once.
sigset_t stop_signals() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    return set;
}

int run(server::PusherServer& server, const server::ServerConfig& config, const sigset_t& set,
        const ConfigSource& reload) {
    try {
        server.start();
    } catch (const std::exception& e) {
        spdlog::error("cannot start: {}", e.what());
        return 1;
    }
    try {
        const PidFile pid_file(config.pid_file);
        for (const auto& line :
             listening_lines(config, server.port(), server.api_port(), server.admin_port())) {
            spdlog::info("{}", line);
        }
        if (uses_development_credentials(config)) {
            warn_development_credentials(config);
        }
        const auto stop = stop_signals();
        drain(server, config.drain_seconds, stop, wait_for_stop_signal(set, server, reload));
        // A signal during the stop ends the process at once.
        pthread_sigmask(SIG_UNBLOCK, &stop, nullptr);
        server.stop();
    } catch (const std::exception& e) {
        spdlog::error("{}", e.what());
        server.stop();
        return 1;
    }
    spdlog::info("stopped");
    return 0;
}

}  // namespace

bool reload_config(server::PusherServer& server, const ConfigSource& source) {
    server::ServerConfig next;
    try {
        next = source();
    } catch (const std::exception& e) {
        server.reload_failed();
        spdlog::error("reload failed, nothing changed: {}", e.what());
        return false;
    }
    const auto report = server.reload(next);
    if (!report.ok()) {
        spdlog::error("reload failed, nothing changed: {}", report.error);
        return false;
    }
    spdlog::set_level(spdlog::level::from_str(next.log_level));
    spdlog::info("reloaded: apps added: {}; changed: {}; removed: {}; log level {}",
                 joined(report.added), joined(report.changed), joined(report.removed),
                 next.log_level);
    for (const auto& name : report.needs_restart) {
        spdlog::warn("reload: {} changed in the configuration: needs a restart (left as it was)",
                     name);
    }
    for (const auto& note : report.notes) {
        spdlog::warn("reload: {}", note);
    }
    return true;
}

int serve(const server::ServerConfig& config, ConfigSource reload) {
    set_up_logging(config);
    const auto set = handled_signals();
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
    try {
        if (!config.state_dir.empty()) {
            create_state_dir(config.state_dir);
            spdlog::info("state in {}", config.state_dir);
        }
        std::shared_ptr<server::AppSource> store;
        if (config.app_store.url) {
            store = open_app_store(config.app_store);
            spdlog::info("apps from the app store {}", store->describe());
            if (!config.apps.empty()) {
                spdlog::warn("the configuration's apps are not used: apps come from the app store");
            }
        }
        server::PusherServer server(config, store);
        return run(server, config, set, reload);
    } catch (const std::exception& e) {
        spdlog::error("cannot start: {}", e.what());
        return 1;
    }
}

bool uses_development_credentials(const server::ServerConfig& config) {
    const auto dev = server::development_app();
    if (config.apps.empty()) {
        return !config.app_store.url;  // the server runs the development app
    }
    for (const auto& app : config.apps) {
        if (app.key == dev.key || app.secret == dev.secret) {
            return true;
        }
    }
    return false;
}

std::vector<std::string> listening_lines(const server::ServerConfig& config, std::uint16_t port,
                                         std::optional<std::uint16_t> api_port,
                                         std::optional<std::uint16_t> admin_port) {
    const auto* const ws_scheme = config.tls ? "wss" : "ws";
    const auto* const http_scheme = config.tls ? "https" : "http";
    const auto host = url_host(config.listen.host);
    const auto single = config.apps.size() == 1;
    std::vector<std::string> lines;
    lines.push_back(fmt::format("herald listening on {}://{}:{}{}/app/{}", ws_scheme, host, port,
                                config.path_prefix, single ? config.apps[0].key : "{key}"));
    const auto& api = config.api_listen ? *config.api_listen : config.listen;
    lines.push_back(fmt::format("REST API on {}://{}:{}/apps/{}", http_scheme, url_host(api.host),
                                api_port.value_or(port), single ? config.apps[0].id : "{id}"));
    if (admin_port) {
        const auto base = fmt::format("http://{}:{}", url_host(config.admin.host), *admin_port);
        lines.push_back(fmt::format("admin on {0}/metrics, {0}/healthz, {0}/readyz", base));
        if (config.admin.dashboard) {
            lines.push_back(
                    fmt::format("dashboard on {}/dashboard{}", base,
                                config.admin.token ? " (log in with the admin token)" : ""));
        }
    }
    for (const auto& app : config.apps) {
        lines.push_back(fmt::format("app {}: key {}, client events {}{}", app.id, app.key,
                                    app.client_events ? "on" : "off",
                                    app.enabled ? "" : ", DISABLED"));
    }
    return lines;
}

PidFile::PidFile(std::optional<std::string> path) : path_(std::move(path)) {
    if (!path_) {
        return;
    }
    std::ofstream out(*path_, std::ios::trunc);
    out << ::getpid() << '\n';
    out.flush();
    if (!out) {
        const auto reason = std::error_code(errno, std::generic_category()).message();
        const auto message = fmt::format("cannot write pid file \"{}\": {}", *path_, reason);
        path_.reset();
        throw std::runtime_error(message);
    }
}

PidFile::~PidFile() {
    if (path_) {
        std::remove(path_->c_str());
    }
}

}  // namespace herald::cli
