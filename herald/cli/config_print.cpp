#include "herald/cli/config_print.h"

#include <algorithm>
#include <optional>
#include <type_traits>
#include <variant>
#include <vector>

#include <fmt/format.h>

namespace herald::cli {

namespace {

constexpr std::string_view kHidden = "(hidden)";

std::string quoted(std::string_view text) {
    return in_quotes(text);
}

std::string shown(const Value& value, bool secret_url) {
    // A list holds URLs (Redis, webhooks): their passwords are masked whatever the setting.
    if (std::holds_alternative<std::vector<std::string>>(value)) {
        return value_text(value, [](std::string_view item) { return quoted(mask_password(item)); });
    }
    return value_text(value, [secret_url](std::string_view item) {
        return quoted(secret_url ? mask_password(item) : std::string(item));
    });
}

// "herald.toml:3:8: port" (or a Slanger key) as "herald.toml:3".
std::string file_line(std::string_view origin) {
    const auto key = origin.rfind(": ");
    auto where = key == std::string_view::npos ? origin : origin.substr(0, key);
    const auto column = where.rfind(':');
    if (column != std::string_view::npos &&
        where.substr(0, column).rfind(':') != std::string_view::npos) {
        where = where.substr(0, column);
    }
    return std::string(where);
}

// The value `herald serve` runs with for a setting whose field cannot read it back.
std::optional<Value> placed_value(const Setting& setting, const Settings& merged,
                                  const server::ServerConfig& config) {
    if (setting.name == "state_dir") {
        return config.state_dir;
    }
    if (setting.name == "webhooks.spool_path") {
        return config.webhooks.spool_path;
    }
    if (setting.name == "webhooks.dead_letter_path") {
        return config.webhooks.dead_letter_path;
    }
    if (setting.name == "api_host" && config.api_listen) {
        return config.api_listen->host;
    }
    if (const auto* given = merged.find(setting.name)) {
        return *given->value;
    }
    return std::nullopt;
}

std::string app_lines(const Layers& layers, const Settings& merged, const server::App& app,
                      std::span<const Setting> table, bool one) {
    const auto origin = [&](std::string_view setting) {
        // The one app's flags and variables override the file's single entry field by field.
        if (one &&
            (layers.flags.find(setting) != nullptr || layers.variables.find(setting) != nullptr)) {
            return source_of(layers, setting);
        }
        if (merged.apps) {
            return fmt::format("file {}", merged.apps.origin);
        }
        const bool given = std::any_of(table.begin(), table.end(), [&](const Setting& s) {
            return s.scope == Scope::App && merged.find(s.name) != nullptr;
        });
        return std::string(given ? "flags and variables" : "default: the development app");
    };
    std::string out = "\n[[apps]]\n";
    const auto line = [&](std::string_view key, const std::string& value, std::string_view from) {
        out += fmt::format("{} = {}  # {}\n", key, value, origin(from));
    };
    line("id", quoted(app.id), "app_id");
    line("key", quoted(app.key), "app_key");
    line("secret", std::string(kHidden), "app_secret");
    line("enabled", app.enabled ? "true" : "false", "");
    line("client_events", app.client_events ? "true" : "false", "app_client_events");
    line("webhook_urls", shown(Value(app.webhook_urls), true), "app_webhook_urls");
    for (const auto& target : app.webhooks) {
        line("webhooks.url", quoted(mask_password(target.url)), "");
    }
    return out;
}

}  // namespace

std::string source_of(const Layers& layers, std::string_view name) {
    if (const auto* given = layers.flags.find(name)) {
        return "flag " + given->origin;
    }
    if (const auto* given = layers.variables.find(name)) {
        return "env " + given->origin;
    }
    if (const auto* given = layers.file.find(name)) {
        return "file " + file_line(given->origin);
    }
    return "default";
}

namespace {

// A Redis URL's sentinel_password= option, masked too.
std::string mask_sentinel_password(std::string url) {
    constexpr std::string_view kOption = "sentinel_password=";
    const auto query = url.find('?');
    for (auto at = url.find(kOption, query); query != std::string::npos && at != std::string::npos;
         at = url.find(kOption, at + 1)) {
        if (url[at - 1] != '?' && url[at - 1] != '&') {
            continue;
        }
        const auto value = at + kOption.size();
        const auto stop = url.find('&', value);
        url.replace(value, stop == std::string::npos ? url.npos : stop - value, "***");
    }
    return url;
}

}  // namespace

std::string mask_password(std::string_view url) {
    const auto scheme = url.find("://");
    if (scheme == std::string_view::npos) {
        return std::string(url);
    }
    const auto start = scheme + 3;
    const auto end = url.find_first_of("/?#", start);
    const auto authority =
            url.substr(start, end == std::string_view::npos ? url.npos : end - start);
    const auto at = authority.rfind('@');
    const auto colon = authority.substr(0, at == std::string_view::npos ? 0 : at).find(':');
    if (at == std::string_view::npos || colon == std::string_view::npos) {
        return mask_sentinel_password(std::string(url));
    }
    return mask_sentinel_password(
            fmt::format("{}***{}", url.substr(0, start + colon + 1), url.substr(start + at)));
}

std::string print_config(const Layers& layers, const server::ServerConfig& config,
                         std::span<const Setting> table) {
    const auto merged = merge(layers);
    std::string out =
            "# the configuration `herald serve` runs with, each value with where it came from\n";
    for (const auto& setting : table) {
        if (setting.scope == Scope::App) {
            continue;  // the apps follow, whole
        }
        const auto value = setting.field.load != nullptr ? setting.field.load(config)
                                                         : placed_value(setting, merged, config);
        const auto text = !value           ? std::string("unset")
                          : setting.secret ? std::string(kHidden)
                                           : shown(*value, setting.name == "redis_url" ||
                                                                   setting.name == "app_store.url");
        out += fmt::format("{} = {}  # {}\n", setting.name, text, source_of(layers, setting.name));
    }
    for (const auto& app : config.apps) {
        out += app_lines(layers, merged, app, table, config.apps.size() == 1);
    }
    return out;
}

}  // namespace herald::cli
