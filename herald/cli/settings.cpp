#include "herald/cli/settings.h"

#include <filesystem>
#include <system_error>
#include <utility>

#include <fmt/format.h>

namespace herald::cli {

namespace {

using server::App;
using server::ServerConfig;

template <typename T>
void take(Given<T>& base, const Given<T>& top) {
    if (top) {
        base = top;
    }
}

template <typename T>
void assign(T& out, const Given<T>& given) {
    if (given) {
        out = *given;
    }
}

void require_file(const Given<std::string>& path) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(*path, ec)) {
        fail(path.origin, in_quotes(*path), "an existing file");
    }
}

void resolve_listeners(const Settings& s, ServerConfig& config) {
    assign(config.listen.host, s.host);
    assign(config.listen.port, s.port);
    if (s.api_host && !s.api_port) {
        throw ConfigError(fmt::format(
                "config error: {} = {} but no API port is given: set api_port (--api-port, "
                "HERALD_API_PORT) too, or drop it to serve the REST API on the WebSocket port",
                s.api_host.origin, in_quotes(*s.api_host)));
    }
    if (!s.api_port) {
        return;
    }
    config.api_listen =
            server::Endpoint{s.api_host ? *s.api_host : config.listen.host, *s.api_port};
    if (*config.api_listen == config.listen && config.listen.port != 0) {
        fail(s.api_port.origin, std::to_string(*s.api_port),
             "a port other than the WebSocket port (leave the API port unset to serve both on "
             "one port)");
    }
}

void resolve_tls(const Settings& s, ServerConfig& config) {
    const auto& chain = s.tls_certificate_chain;
    const auto& key = s.tls_private_key;
    if (!chain && !key) {
        return;
    }
    if (!chain || !key) {
        const auto& given = chain ? chain : key;
        throw ConfigError(fmt::format(
                "config error: {} = {} but the {} is missing: TLS needs both a certificate "
                "chain (tls.certificate_chain, --cert-file) and a private key "
                "(tls.private_key, --private-key-file)",
                given.origin, in_quotes(*given), chain ? "private key" : "certificate chain"));
    }
    require_file(chain);
    require_file(key);
    config.tls = server::TlsFiles{*chain, *key};
}

void apply_overrides(const AppSettings& a, App& app) {
    assign(app.id, a.id);
    assign(app.key, a.key);
    assign(app.secret, a.secret);
    assign(app.client_events, a.client_events);
    assign(app.webhook_urls, a.webhook_urls);
}

App app_from_settings(const AppSettings& a) {
    if (!a.key || !a.secret) {
        const auto& given = a.key ? a.key : (a.secret ? a.secret : a.id);
        const std::string shown = &given == &a.secret ? "(hidden)" : in_quotes(*given);
        throw ConfigError(fmt::format(
                "config error: {} = {} but the app {} is missing: an app needs both a key "
                "(--app-key, HERALD_APP_KEY) and a secret (--app-secret, HERALD_APP_SECRET)",
                given.origin, shown, a.key ? "secret" : "key"));
    }
    App app;
    app.id = *a.key;  // no id given: REST requests reach the app at /apps/{key}
    apply_overrides(a, app);
    return app;
}

std::vector<App> resolve_apps(const Settings& s) {
    const bool file_apps = s.apps && !s.apps->empty();
    const auto single = s.app.first_origin();
    if (!file_apps) {
        const bool credentials = s.app.id || s.app.key || s.app.secret;
        App app = credentials ? app_from_settings(s.app) : server::development_app();
        apply_overrides(s.app, app);
        return {app};
    }
    auto apps = *s.apps;
    if (!single.empty() && apps.size() > 1) {
        throw ConfigError(fmt::format(
                "config error: {} sets the one app's settings, but {} defines {} apps: set "
                "them in the file's [[apps]] entries instead",
                single, s.apps.origin, apps.size()));
    }
    apply_overrides(s.app, apps.front());
    return apps;
}

}  // namespace

std::string AppSettings::first_origin() const {
    for (const auto* origin : {&id.origin, &key.origin, &secret.origin}) {
        if (!origin->empty()) {
            return *origin;
        }
    }
    if (client_events) {
        return client_events.origin;
    }
    return webhook_urls ? webhook_urls.origin : std::string{};
}

void overlay(Settings& base, const Settings& top) {
    take(base.host, top.host);
    take(base.port, top.port);
    take(base.api_host, top.api_host);
    take(base.api_port, top.api_port);
    take(base.threads, top.threads);
    take(base.path_prefix, top.path_prefix);
    take(base.activity_timeout, top.activity_timeout);
    take(base.pong_timeout, top.pong_timeout);
    take(base.user_authentication_timeout, top.user_authentication_timeout);
    take(base.strict_protocol, top.strict_protocol);
    take(base.verbose, top.verbose);
    take(base.log_level, top.log_level);
    take(base.pid_file, top.pid_file);
    take(base.redis_url, top.redis_url);
    take(base.cluster_lease, top.cluster_lease);
    take(base.tls_certificate_chain, top.tls_certificate_chain);
    take(base.tls_private_key, top.tls_private_key);
    take(base.apps, top.apps);
    take(base.webhooks, top.webhooks);
    take(base.app.id, top.app.id);
    take(base.app.key, top.app.key);
    take(base.app.secret, top.app.secret);
    take(base.app.client_events, top.app.client_events);
    take(base.app.webhook_urls, top.app.webhook_urls);
}

ServerConfig resolve(const Settings& s) {
    ServerConfig config;
    resolve_listeners(s, config);
    assign(config.threads, s.threads);
    assign(config.path_prefix, s.path_prefix);
    assign(config.activity_timeout, s.activity_timeout);
    assign(config.pong_timeout, s.pong_timeout);
    assign(config.user_authentication_timeout, s.user_authentication_timeout);
    assign(config.strict_protocol, s.strict_protocol);
    assign(config.verbose, s.verbose);
    assign(config.log_level, s.log_level);
    if (s.pid_file) {
        config.pid_file = *s.pid_file;
    }
    if (s.redis_url) {
        config.redis_url = *s.redis_url;
    }
    assign(config.cluster_lease, s.cluster_lease);
    resolve_tls(s, config);
    config.apps = resolve_apps(s);
    assign(config.webhooks, s.webhooks);
    return config;
}

}  // namespace herald::cli
