#include "herald/cli/apps_command.h"

#include <stdexcept>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "herald/appstore/app_row.h"
#include "herald/cli/app_store.h"
#include "herald/cli/client_commands.h"
#include "herald/util/json_writer.h"
#include "herald/util/parse.h"

namespace herald::cli {

namespace {

constexpr int kFailed = 1;
constexpr int kUsage = 2;

// The limit options: flag, soketi column.
constexpr std::pair<const char*, const char*> kLimitFlags[] = {
        {"--max-connections", "max_connections"},
        {"--max-backend-events-per-sec", "max_backend_events_per_sec"},
        {"--max-client-events-per-sec", "max_client_events_per_sec"},
        {"--max-read-req-per-sec", "max_read_req_per_sec"},
        {"--max-presence-members-per-channel", "max_presence_members_per_channel"},
        {"--max-presence-member-size-in-kb", "max_presence_member_size_in_kb"},
        {"--max-channel-name-length", "max_channel_name_length"},
        {"--max-event-channels-at-once", "max_event_channels_at_once"},
        {"--max-event-name-length", "max_event_name_length"},
        {"--max-event-payload-in-kb", "max_event_payload_in_kb"},
        {"--max-event-batch-size", "max_event_batch_size"},
};

// A soketi integer column as JSON: a number, or null when unset.
void number_or_null(util::JsonWriter& json, const appstore::AppRow& row, std::string_view column) {
    const auto it = row.find(column);
    const auto value = it == row.end() || !it->second
                               ? std::nullopt
                               : util::parse_integer<std::int64_t>(*it->second);
    if (value) {
        json.number(*value);
    } else {
        json.null();
    }
}

void app_json(util::JsonWriter& json, const server::App& app) {
    const auto row = appstore::row_from_app(app);
    json.begin_object()
            .key("id")
            .string(app.id)
            .key("key")
            .string(app.key)
            .key("secret")
            .string(app.secret)
            .key("enabled")
            .boolean(app.enabled)
            .key("client_events")
            .boolean(app.client_events)
            .key("user_authentication")
            .boolean(app.user_authentication_required);
    for (const auto& [flag, column] : kLimitFlags) {
        json.key(column);
        number_or_null(json, row, column);
    }
    json.key("webhooks").raw(row.at("webhooks").value_or("[]")).end_object();
}

std::string app_text(const server::App& app) {
    std::string out;
    for (const auto& [column, value] : appstore::row_from_app(app)) {
        out += fmt::format("{} = {}\n", column, value.value_or("(default)"));
    }
    return out;
}

// The [[apps]] block of the configuration file for `app`.
std::string app_toml(const server::App& app) {
    std::string out = fmt::format(
            "[[apps]]\nid = {}\nkey = {}\nsecret = {}\nenabled = {}\nclient_events = {}\n"
            "user_authentication_required = {}\n",
            util::json_quote(app.id), util::json_quote(app.key), util::json_quote(app.secret),
            app.enabled, app.client_events, app.user_authentication_required);
    const server::AppLimits defaults;
    if (app.limits.max_connections != defaults.max_connections) {
        out += fmt::format("\n[apps.limits]\nmax_connections = {}\n", app.limits.max_connections);
    }
    return out;
}

}  // namespace

AppsCommand::AppsCommand(CLI::App& parent) {
    command_ = parent.add_subcommand("apps", "Manage the apps of an app store (PostgreSQL, MySQL)");
    command_->require_subcommand(1);
    auto& o = options_;
    const auto common = [&o](CLI::App* sub) {
        sub->add_option("--app-store", o.store,
                        "postgresql://... or mysql://... (env HERALD_APP_STORE)");
        sub->add_option("--app-store-table", o.table,
                        "The table (env HERALD_APP_STORE_TABLE; default apps)");
        sub->add_flag("--json", o.json, "JSON output");
    };
    const auto columns = [&o](CLI::App* sub) {
        sub->add_option("--key", o.key, "The key (add: generated unless given)");
        sub->add_option("--secret", o.secret, "The secret (add: generated unless given)");
        const auto switch_flag = [sub](const char* names, std::optional<bool>& to,
                                       const char* help) {
            // A negated name (!--disable) counts -1.
            sub->add_flag_function(
                    names, [&to](std::int64_t count) { to = count > 0; }, help);
        };
        switch_flag("--enable,!--disable", o.enabled, "Accept connections and requests");
        switch_flag("--client-events,!--no-client-events", o.client_events,
                    "enable_client_messages");
        switch_flag("--user-authentication,!--no-user-authentication", o.user_authentication,
                    "enable_user_authentication");
        sub->add_option("--webhooks", o.webhooks,
                        "JSON: a list of {url, event_types, headers: {name: value}, "
                        "filter: {channel_name_starts_with}}");
        for (const auto& [flag, column] : kLimitFlags) {
            sub->add_option_function<std::int64_t>(
                    flag, [&o, column = column](std::int64_t v) { o.limits[column] = v; },
                    "The column " + std::string(column) + " (-1: no limit)");
        }
    };
    auto* list = command_->add_subcommand("list", "Every app of the store");
    common(list);
    auto* show = command_->add_subcommand("show", "One app");
    show->add_option("ID", o.id, "The app id")->required();
    common(show);
    auto* add = command_->add_subcommand("add", "Add an app (without a store: print its TOML)");
    add->add_option("--id", o.id, "The app id (generated unless given)");
    common(add);
    columns(add);
    auto* update = command_->add_subcommand("update", "Change columns of an app");
    update->add_option("ID", o.id, "The app id")->required();
    common(update);
    columns(update);
    auto* remove = command_->add_subcommand("remove", "Remove an app");
    remove->add_option("ID", o.id, "The app id")->required();
    common(remove);
}

std::optional<int> AppsCommand::run(const Environment& env, std::FILE* out, std::FILE* err) const {
    if (!command_->parsed()) {
        return std::nullopt;
    }
    const auto& o = options_;
    const auto action = command_->get_subcommands().front()->get_name();
    const auto from_env = [&env](const char* name) -> std::optional<std::string> {
        const auto it = env.find(name);
        return it == env.end() || it->second.empty() ? std::nullopt
                                                     : std::optional<std::string>(it->second);
    };
    server::AppStoreSettings settings;
    settings.url = o.store.empty() ? from_env("HERALD_APP_STORE") : o.store;
    settings.table =
            !o.table.empty() ? o.table : from_env("HERALD_APP_STORE_TABLE").value_or("apps");
    settings.password = from_env("HERALD_APP_STORE_PASSWORD");

    const auto print_app = [&](const server::App& app) {
        if (o.json) {
            util::JsonWriter json;
            app_json(json, app);
            std::fprintf(out, "%s\n", json.take().c_str());
        } else {
            std::fprintf(out, "%s", app_text(app).c_str());
        }
    };
    // The options given, over `row`; the app they make, or 2 after saying what is wrong.
    const auto apply = [&](appstore::AppRow row) -> std::optional<appstore::AppRow> {
        if (o.key)
            row["key"] = *o.key;
        if (o.secret)
            row["secret"] = *o.secret;
        const auto flag = [](bool on) {
            return std::optional<std::string>(on ? "1" : "0");
        };
        if (o.enabled)
            row["enabled"] = flag(*o.enabled);
        if (o.client_events)
            row["enable_client_messages"] = flag(*o.client_events);
        if (o.user_authentication)
            row["enable_user_authentication"] = flag(*o.user_authentication);
        if (o.webhooks)
            row["webhooks"] = *o.webhooks;
        for (const auto& [column, value] : o.limits) {
            row[column] = std::to_string(value);
        }
        std::vector<std::string> skipped;
        if (auto app = appstore::app_from_row(row, &skipped); !app) {
            std::fprintf(err, "herald apps: %s\n", app.error().c_str());
            return std::nullopt;
        }
        // The server would run the app without that webhook: refused when --webhooks writes it,
        // only told when it is already in the row and this change is about something else.
        for (const auto& why : skipped) {
            std::fprintf(err, "herald apps: column webhooks: %s\n", why.c_str());
        }
        if (o.webhooks && !skipped.empty()) {
            return std::nullopt;
        }
        return row;
    };

    try {
        if (action == "add") {
            const auto made = generate_app();
            server::App fresh;
            fresh.id = o.id.empty() ? made.app_id : o.id;
            fresh.key = made.key;
            fresh.secret = made.secret;
            const auto row = apply(appstore::row_from_app(fresh));
            if (!row) {
                return kUsage;
            }
            const auto app = appstore::app_from_row(*row).value();
            if (!settings.url) {
                std::fprintf(out,
                             "# no app store (--app-store, HERALD_APP_STORE): paste this "
                             "into the configuration file\n%s",
                             app_toml(app).c_str());
                return 0;
            }
            auto backend = open_backend(settings);
            if (auto done = backend->insert(*row); !done) {
                std::fprintf(err, "herald apps add: %s\n", done.error().c_str());
                return kFailed;
            }
            print_app(app);
            return 0;
        }
        if (!settings.url) {
            std::fprintf(err,
                         "herald apps %s: no app store: give --app-store URL or set "
                         "HERALD_APP_STORE\n",
                         action.c_str());
            return kUsage;
        }
        auto backend = open_backend(settings);
        if (action == "list") {
            auto rows = backend->list();
            if (!rows) {
                std::fprintf(err, "herald apps list: %s\n", rows.error().c_str());
                return kFailed;
            }
            util::JsonWriter json;
            json.begin_array();
            for (const auto& row : rows.value()) {
                auto app = appstore::app_from_row(row);
                if (!app) {
                    std::fprintf(err, "herald apps list: a row is refused: %s\n",
                                 app.error().c_str());
                    continue;
                }
                if (o.json) {
                    app_json(json, app.value());
                } else {
                    std::fprintf(out, "%s  key %s  %s%s\n", app.value().id.c_str(),
                                 app.value().key.c_str(),
                                 app.value().enabled ? "enabled" : "disabled",
                                 app.value().client_events ? ", client events" : "");
                }
            }
            if (o.json) {
                std::fprintf(out, "%s\n", json.end_array().take().c_str());
            }
            return 0;
        }
        auto found = backend->find(server::AppLookup::ById, o.id);
        if (!found) {
            std::fprintf(err, "herald apps %s: %s\n", action.c_str(), found.error().c_str());
            return kFailed;
        }
        if (!found.value()) {
            std::fprintf(err, "herald apps %s: no app has the id '%s'\n", action.c_str(),
                         o.id.c_str());
            return kFailed;
        }
        if (action == "show") {
            auto app = appstore::app_from_row(*found.value());
            if (!app) {
                std::fprintf(err, "herald apps show: the row is refused: %s\n",
                             app.error().c_str());
                return kFailed;
            }
            print_app(app.value());
            return 0;
        }
        if (action == "remove") {
            auto done = backend->remove(o.id);
            if (!done) {
                std::fprintf(err, "herald apps remove: %s\n", done.error().c_str());
                return kFailed;
            }
            return 0;
        }
        const auto row = apply(*found.value());
        if (!row) {
            return kUsage;
        }
        if (auto done = backend->update(o.id, *row); !done) {
            std::fprintf(err, "herald apps update: %s\n", done.error().c_str());
            return kFailed;
        }
        print_app(appstore::app_from_row(*row).value());
        return 0;
    } catch (const std::exception& e) {
        std::fprintf(err, "herald apps %s: %s\n", action.c_str(), e.what());
        return kUsage;
    }
}

}  // namespace herald::cli
