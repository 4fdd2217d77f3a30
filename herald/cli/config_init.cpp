#include "herald/cli/config_init.h"

#include <algorithm>
#include <optional>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

#include <fmt/format.h>

#include "herald/cli/config_toml.h"
#include "herald/server/app.h"

namespace herald::cli {

namespace {

constexpr std::size_t kWidth = 99;

// A TOML basic string: the defaults and examples are plain text, so quotes and backslashes are
// all there is to escape.
std::string toml_string(std::string_view text) {
    std::string out = "\"";
    for (const char c : text) {
        if (c == '"' || c == '\\') {
            out += '\\';
        }
        out += c;
    }
    return out + '"';
}

std::string toml_value(const Value& value) {
    return value_text(value, toml_string);
}

// The reference's Markdown as comment text: no backticks, links as their words.
std::string plain_text(std::string_view markdown) {
    std::string out;
    for (std::size_t i = 0; i < markdown.size(); ++i) {
        const char c = markdown[i];
        if (c == '`') {
            continue;
        }
        if (c == ']' && i + 1 < markdown.size() && markdown[i + 1] == '(') {
            i = markdown.find(')', i);  // drop "(OPERATIONS.md)"
            if (i == std::string_view::npos) {
                break;
            }
            continue;
        }
        if (c == '[' && !(i + 1 < markdown.size() && markdown[i + 1] == '[')) {
            const auto close = markdown.find(']', i);
            if (close != std::string_view::npos && close + 1 < markdown.size() &&
                markdown[close + 1] == '(') {
                continue;  // the opening bracket of a link
            }
        }
        out += c;
    }
    return out;
}

// `text` as "# " lines of at most kWidth characters.
std::string comment(std::string_view text) {
    std::string out;
    std::string line = "#";
    std::size_t at = 0;
    while (at < text.size()) {
        auto end = text.find(' ', at);
        end = end == std::string_view::npos ? text.size() : end;
        const auto word = text.substr(at, end - at);
        if (line.size() > 1 && line.size() + 1 + word.size() > kWidth) {
            out += line + '\n';
            line = "#";
        }
        line += ' ';
        line += word;
        at = end + 1;
    }
    return out + line + '\n';
}

// The part of a setting's name before its key: "" at the top, "tls" for tls.private_key.
std::string_view table_of(std::string_view name) {
    const auto dot = name.rfind('.');
    return dot == std::string_view::npos ? std::string_view{} : name.substr(0, dot);
}

std::string_view key_of(std::string_view name) {
    return name.substr(name.rfind('.') + 1);
}

// One setting: its meaning, then its key at the default, or commented out (at an example value
// when the default is not one value, or with all of its table's keys).
std::string entry(const Setting& setting, bool commented) {
    std::string out = comment(plain_text(setting.doc));
    const auto value = setting.default_text.empty() ? default_value(setting) : std::nullopt;
    if (value) {
        out += fmt::format("{}{} = {}\n", commented ? "# " : "", key_of(setting.name),
                           toml_value(*value));
    } else {
        const auto shown = setting.default_text.empty() ? std::string("unset")
                                                        : plain_text(setting.default_text);
        out += fmt::format("# {} = {}  (default: {})\n", key_of(setting.name),
                           setting.example.empty() ? "\"\"" : setting.example, shown);
    }
    return out + '\n';
}

// Unset, and not chosen at start either: a table holding such a key is used only when that key is
// given ([admin] without a port is an error), so all of it stays commented out.
bool unset(const Setting& setting) {
    return setting.default_text.empty() && !default_value(setting).has_value();
}

std::string apps_example() {
    const server::App defaults;
    std::string out = comment(fmt::format(
            "Apps. Without any, the server runs the development app (key {}, secret {}): "
            "never expose it. Remove the \"# \" of the lines below to give your own; "
            "[[apps]] may repeat, one entry per app.",
            server::development_app().key, server::development_app().secret));
    const auto b = [](bool v) {
        return v ? "true" : "false";
    };
    out += fmt::format(
            "{}\n"
            "# id = \"my-app\"\n"
            "# key = \"my-key\"\n"
            "# secret = \"a-long-random-secret\"\n"
            "# enabled = {}\n"
            "# client_events = {}\n"
            "# user_authentication_required = {}\n"
            "# subscription_count_events = {}\n"
            "# tls_only = {}\n"
            "# allowed_origins = []\n"
            "# webhook_urls = []\n"
            "#\n"
            "# [apps.limits]\n",
            kAppsExample, b(defaults.enabled), b(defaults.client_events),
            b(defaults.user_authentication_required), b(defaults.subscription_count_events),
            b(defaults.tls_only));
    for (const auto& [name, value] : default_app_limits()) {
        out += fmt::format("# {} = {}\n", name, value);
    }
    out += "#\n"
           "# [[apps.webhooks]]\n"
           "# url = \"https://example.com/pusher/webhooks\"\n"
           "# event_types = [\"channel_occupied\", \"channel_vacated\"]\n"
           "# filter = { prefix = \"presence-\" }\n"
           "# headers = { Authorization = \"Bearer receiver-token\" }\n";
    return out;
}

}  // namespace

std::string initial_config(std::span<const Setting> table) {
    std::string out = comment(
            "Herald configuration: `herald serve --config FILE` (or HERALD_CONFIG=FILE). Every "
            "setting is at its default; those without one are commented out. HERALD_* variables "
            "and flags override this file. docs/CONFIGURATION.md describes each; `herald config "
            "check -C FILE` checks it.");
    out += '\n';
    // Top-level keys first: in TOML every key after a [table] header belongs to that table.
    std::vector<std::string_view> tables{""};
    for (const auto& setting : table) {
        const auto name = table_of(setting.name);
        if (setting.scope == Scope::File &&
            std::find(tables.begin(), tables.end(), name) == tables.end()) {
            tables.push_back(name);
        }
    }
    for (const auto name : tables) {
        const auto in_table = [&](const Setting& s) {
            return s.scope == Scope::File && table_of(s.name) == name;
        };
        const bool commented =
                !name.empty() && std::any_of(table.begin(), table.end(), [&](const Setting& s) {
                    return in_table(s) && unset(s);
                });
        if (!name.empty()) {
            out += fmt::format("{}[{}]\n\n", commented ? "# " : "", name);
        }
        for (const auto& setting : table) {
            if (in_table(setting)) {
                out += entry(setting, commented);
            }
        }
    }
    return out + apps_example();
}

}  // namespace herald::cli
