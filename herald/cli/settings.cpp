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
    const auto api_host = s.get<std::string>("api_host");
    const auto api_port = s.get<std::uint16_t>("api_port");
    if (api_host && !api_port) {
        throw ConfigError(fmt::format(
                "config error: {} = {} but no API port is given: set api_port (--api-port, "
                "HERALD_API_PORT) too, or drop it to serve the REST API on the WebSocket port",
                api_host.origin, in_quotes(*api_host)));
    }
    const auto admin_host = s.get<std::string>("admin.host");
    if (admin_host && !s.get<std::uint16_t>("admin.port")) {
        throw ConfigError(
                fmt::format("config error: {} = {} but no admin port is given: set admin.port "
                            "(--admin-port, HERALD_ADMIN_PORT) too, or drop it",
                            admin_host.origin, in_quotes(*admin_host)));
    }
    if (!api_port) {
        return;
    }
    config.api_listen = server::Endpoint{api_host ? *api_host : config.listen.host, *api_port};
    if (*config.api_listen == config.listen && config.listen.port != 0) {
        fail(api_port.origin, std::to_string(*api_port),
             "a port other than the WebSocket port (leave the API port unset to serve both on "
             "one port)");
    }
}

void resolve_tls(const Settings& s, ServerConfig& config) {
    const auto chain = s.get<std::string>("tls.certificate_chain");
    const auto key = s.get<std::string>("tls.private_key");
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

// The one app's settings (Scope::App) fill App fields that [[apps]] entries also have, so they
// are placed here rather than by their ConfigField (which only reads them back).
struct AppSettings {
    Given<std::string> id;
    Given<std::string> key;
    Given<std::string> secret;
    Given<bool> client_events;
    Given<std::vector<std::string>> webhook_urls;
    std::string first_origin;  // of the first one given, in table order; empty: none is

    AppSettings(const Settings& s, std::span<const Setting> table)
        : id(s.get<std::string>("app_id")),
          key(s.get<std::string>("app_key")),
          secret(s.get<std::string>("app_secret")),
          client_events(s.get<bool>("app_client_events")),
          webhook_urls(s.get<std::vector<std::string>>("app_webhook_urls")) {
        for (const auto& setting : table) {
            const auto* given = s.find(setting.name);
            if (setting.scope == Scope::App && given != nullptr) {
                first_origin = given->origin;
                return;
            }
        }
    }
};

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

std::vector<App> resolve_apps(const Settings& s, std::span<const Setting> table) {
    const AppSettings one(s, table);
    const bool file_apps = s.apps && !s.apps->empty();
    if (!file_apps) {
        const bool credentials = one.id || one.key || one.secret;
        App app = credentials ? app_from_settings(one) : server::development_app();
        apply_overrides(one, app);
        return {app};
    }
    auto apps = *s.apps;
    if (!one.first_origin.empty() && apps.size() > 1) {
        throw ConfigError(fmt::format(
                "config error: {} sets the one app's settings, but {} defines {} apps: set "
                "them in the file's [[apps]] entries instead",
                one.first_origin, s.apps.origin, apps.size()));
    }
    apply_overrides(one, apps.front());
    return apps;
}

}  // namespace

void Settings::set(std::string_view name, Value value, std::string origin) {
    values[std::string(name)].set(std::move(value), std::move(origin));
}

const Given<Value>* Settings::find(std::string_view name) const {
    const auto it = values.find(name);
    return it == values.end() ? nullptr : &it->second;
}

void overlay(Settings& base, const Settings& top) {
    for (const auto& [name, given] : top.values) {
        base.values[name] = given;
    }
    if (top.apps) {
        base.apps = top.apps;
    }
}

ServerConfig resolve(const Settings& s, std::span<const Setting> table) {
    ServerConfig config;
    for (const auto& setting : table) {
        const auto* given = s.find(setting.name);
        if (given != nullptr && setting.field.store != nullptr) {
            setting.field.store(*given->value, config);
        }
    }
    resolve_listeners(s, config);  // after `host` and `port` are in config.listen
    resolve_tls(s, config);
    config.apps = resolve_apps(s, table);
    assign(config.state_dir, s.get<std::string>("state_dir"));
    assign(config.webhooks.spool_path, s.get<std::string>("webhooks.spool_path"));
    assign(config.webhooks.dead_letter_path, s.get<std::string>("webhooks.dead_letter_path"));
    return config;
}

}  // namespace herald::cli
