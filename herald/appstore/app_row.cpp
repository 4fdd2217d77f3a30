#include "herald/appstore/app_row.h"

#include <array>
#include <cstdint>
#include <limits>

#include <simdjson.h>

#include "herald/util/ascii.h"
#include "herald/util/json_writer.h"
#include "herald/util/parse.h"
#include "herald/webhooks/target.h"

namespace herald::appstore {

namespace {

using server::App;
using server::AppLimits;

// "No limit" for a limit that Herald has no 0-means-unlimited for: far beyond any real size, and
// far enough from the top that a limit multiplied by a small factor cannot overflow.
constexpr std::size_t kNoLimit = std::numeric_limits<std::size_t>::max() / 1024;
constexpr std::size_t kKilobyte = 1024;

constexpr std::array<std::string_view, 18> kSoketiColumns = {
        "id",
        "key",
        "secret",
        "max_connections",
        "enable_client_messages",
        "enabled",
        "max_backend_events_per_sec",
        "max_client_events_per_sec",
        "max_read_req_per_sec",
        "webhooks",
        "max_presence_members_per_channel",
        "max_presence_member_size_in_kb",
        "max_channel_name_length",
        "max_event_channels_at_once",
        "max_event_name_length",
        "max_event_payload_in_kb",
        "max_event_batch_size",
        "enable_user_authentication",
};

constexpr std::array<std::string_view, 3> kHeraldColumns = {
        "tls_only",
        "subscription_count_events",
        "allowed_origins",
};

// A soketi limit column and the App limit it sets.
struct LimitColumn {
    std::string_view name;
    std::size_t AppLimits::*member;
    std::size_t unit;        // 1024 for the *_in_kb columns
    bool zero_is_unlimited;  // Herald reads 0 as "no limit" for this one
    bool not_null;           // soketi declares it NOT NULL
};

constexpr std::array<LimitColumn, 10> kLimitColumns = {{
        {"max_connections", &AppLimits::max_connections, 1, true, true},
        {"max_backend_events_per_sec", &AppLimits::max_backend_events_per_second, 1, true, true},
        {"max_client_events_per_sec", &AppLimits::max_client_events_per_second, 1, true, true},
        {"max_presence_members_per_channel", &AppLimits::max_presence_members, 1, false, false},
        {"max_presence_member_size_in_kb", &AppLimits::max_user_info_bytes, kKilobyte, false,
         false},
        {"max_channel_name_length", &AppLimits::max_channel_name_length, 1, false, false},
        {"max_event_channels_at_once", &AppLimits::max_channels_per_trigger, 1, false, false},
        {"max_event_name_length", &AppLimits::max_event_name_length, 1, false, false},
        {"max_event_payload_in_kb", &AppLimits::max_event_data_bytes, kKilobyte, false, false},
        {"max_event_batch_size", &AppLimits::max_batch_events, 1, false, false},
}};

using Problem = util::unexpected<std::string>;

Problem problem(std::string_view column, std::string_view text, std::string_view expected) {
    return Problem("column " + std::string(column) + " = '" + std::string(text.substr(0, 64)) +
                   "': expected " + std::string(expected));
}

const std::optional<std::string>* cell(const AppRow& row, std::string_view column) {
    const auto it = row.find(column);
    return it == row.end() || !it->second ? nullptr : &it->second;
}

std::optional<bool> parse_bool(std::string_view text) {
    const auto lower = util::to_lower(util::trim(text));
    if (lower == "1" || lower == "t" || lower == "true" || lower == "y" || lower == "yes") {
        return true;
    }
    if (lower == "0" || lower == "f" || lower == "false" || lower == "n" || lower == "no") {
        return false;
    }
    return std::nullopt;
}

util::Result<bool, std::string> read_bool(const AppRow& row, std::string_view column,
                                          bool fallback) {
    const auto* value = cell(row, column);
    if (value == nullptr) {
        return fallback;
    }
    const auto parsed = parse_bool(**value);
    if (!parsed) {
        return problem(column, **value, "a boolean (1/0, true/false)");
    }
    return *parsed;
}

util::Result<bool, std::string> read_limit(const AppRow& row, const LimitColumn& column,
                                           AppLimits& limits) {
    const auto* value = cell(row, column.name);
    if (value == nullptr) {
        return true;  // Herald's default
    }
    const auto number = util::parse_integer<std::int64_t>(util::trim(**value));
    if (!number || *number < -1 || (*number == 0 && !column.zero_is_unlimited) ||
        (*number > 0 && static_cast<std::uint64_t>(*number) > kNoLimit / column.unit)) {
        return problem(column.name, **value,
                       column.zero_is_unlimited ? "an integer: -1 or 0 for no limit"
                                                : "a positive integer, or -1 for no limit");
    }
    if (*number == -1) {
        limits.*column.member = column.zero_is_unlimited ? 0 : kNoLimit;
    } else {
        limits.*column.member = static_cast<std::size_t>(*number) * column.unit;
    }
    return true;
}

namespace dom = simdjson::dom;

util::Result<webhooks::Target, std::string> read_target(dom::element entry) {
    dom::object object;
    if (entry.get_object().get(object) != simdjson::SUCCESS) {
        return Problem("a webhook is not a JSON object");
    }
    webhooks::Target target;
    std::string_view url;
    if (object["url"].get_string().get(url) != simdjson::SUCCESS ||
        !webhooks::valid_target_url(url)) {
        return Problem("a webhook has no valid \"url\" (http:// or https://)");
    }
    target.url = std::string(url);
    dom::array types;
    if (object["event_types"].get_array().get(types) == simdjson::SUCCESS) {
        for (const auto type : types) {
            std::string_view name;
            const auto parsed = type.get_string().get(name) == simdjson::SUCCESS
                                        ? webhooks::parse_event_type(name)
                                        : std::nullopt;
            if (!parsed) {
                return Problem("webhook " + target.url + ": an unknown event type in event_types");
            }
            target.event_types.push_back(*parsed);
        }
    }
    dom::object filter;
    if (object["filter"].get_object().get(filter) == simdjson::SUCCESS) {
        std::string_view prefix;
        if (filter["channel_name_starts_with"].get_string().get(prefix) == simdjson::SUCCESS ||
            filter["prefix"].get_string().get(prefix) == simdjson::SUCCESS) {
            target.channel_prefix = std::string(prefix);
        }
        if (filter["channel_name_ends_with"].error() == simdjson::SUCCESS) {
            return Problem("webhook " + target.url +
                           ": filter.channel_name_ends_with is not supported (only "
                           "channel_name_starts_with)");
        }
    }
    return target;
}

// The webhook's extra headers into `target`, or what is wrong with them.
std::optional<std::string> read_headers(dom::object object, webhooks::Target& target) {
    const auto field = object["headers"];
    if (field.error() != simdjson::SUCCESS || field.is_null()) {
        return std::nullopt;
    }
    dom::object headers;
    if (field.get_object().get(headers) != simdjson::SUCCESS) {
        return "\"headers\" is not a JSON object of names and values";
    }
    for (const auto [name, value] : headers) {
        webhooks::Header header{std::string(name), {}};
        std::string_view text;
        if (auto problem = webhooks::header_problem(header, target.headers)) {
            return problem;  // the name, checked before it is shown in the next message
        }
        if (value.get_string().get(text) != simdjson::SUCCESS) {
            return "header " + header.name + " has a value that is not a string";
        }
        header.value = std::string(text);
        if (auto problem = webhooks::header_problem(header, target.headers)) {
            return problem;
        }
        target.headers.push_back(std::move(header));
    }
    return std::nullopt;
}

util::Result<std::vector<webhooks::Target>, std::string> read_webhooks(
        const AppRow& row, std::vector<std::string>* skipped) {
    const auto* value = cell(row, "webhooks");
    std::vector<webhooks::Target> targets;
    if (value == nullptr || util::trim(**value).empty()) {
        return targets;
    }
    dom::parser parser;
    dom::element root;
    if (parser.parse(**value).get(root) != simdjson::SUCCESS) {
        return problem("webhooks", **value, "JSON: a list of {url, event_types, headers, filter}");
    }
    if (root.is_null()) {
        return targets;
    }
    dom::array entries;
    if (root.get_array().get(entries) != simdjson::SUCCESS) {
        return problem("webhooks", **value, "a JSON list of {url, event_types, headers, filter}");
    }
    for (const auto entry : entries) {
        auto target = read_target(entry);
        if (!target) {
            return Problem("column webhooks: " + std::move(target).error());
        }
        // A bad header drops its webhook, not the app: sending the request without the header
        // (or with a broken one) would only fail at the receiver, while the app's connections
        // and REST API need none of it.
        if (const auto problem = read_headers(entry.get_object().value_unsafe(), target.value())) {
            if (skipped != nullptr) {
                skipped->push_back("webhook " + target.value().url + " is skipped: " + *problem);
            }
            continue;
        }
        targets.push_back(std::move(target).value());
    }
    return targets;
}

std::vector<std::string> read_origins(const AppRow& row) {
    std::vector<std::string> origins;
    if (const auto* value = cell(row, "allowed_origins")) {
        util::for_each_list_element(**value, [&origins](std::string_view origin) {
            origins.emplace_back(origin);
            return true;
        });
    }
    return origins;
}

std::string webhooks_json(const std::vector<webhooks::Target>& targets) {
    util::JsonWriter json;
    json.begin_array();
    for (const auto& target : targets) {
        json.begin_object().key("url").string(target.url).key("event_types").begin_array();
        for (const auto type : target.event_types) {
            json.string(webhooks::name_of(type));
        }
        json.end_array();
        if (!target.headers.empty()) {
            json.key("headers").begin_object();
            for (const auto& header : target.headers) {
                json.key(header.name).string(header.value);
            }
            json.end_object();
        }
        if (!target.channel_prefix.empty()) {
            json.key("filter")
                    .begin_object()
                    .key("channel_name_starts_with")
                    .string(target.channel_prefix)
                    .end_object();
        }
        json.end_object();
    }
    json.end_array();
    return json.take();
}

std::optional<std::string> limit_text(const LimitColumn& column, const AppLimits& limits) {
    const auto value = limits.*column.member;
    if (value == AppLimits{}.*column.member && !column.not_null) {
        return std::nullopt;
    }
    if ((column.zero_is_unlimited && value == 0) || value >= kNoLimit) {
        return "-1";
    }
    return std::to_string((value + column.unit - 1) / column.unit);
}

}  // namespace

std::span<const std::string_view> soketi_columns() noexcept {
    return kSoketiColumns;
}

std::span<const std::string_view> herald_columns() noexcept {
    return kHeraldColumns;
}

util::Result<App, std::string> app_from_row(const AppRow& row, std::vector<std::string>* skipped) {
    App app;
    for (const auto& [column, member] : {std::pair{"id", &App::id}, std::pair{"key", &App::key},
                                         std::pair{"secret", &App::secret}}) {
        const auto* value = cell(row, column);
        if (value == nullptr || (*value)->empty()) {
            return Problem(std::string("column ") + column + " is missing or empty");
        }
        app.*member = **value;
    }

    struct Switch {
        std::string_view column;
        bool App::*member;
    };

    for (const auto& [column, member] :
         {Switch{"enabled", &App::enabled}, Switch{"enable_client_messages", &App::client_events},
          Switch{"enable_user_authentication", &App::user_authentication_required},
          Switch{"tls_only", &App::tls_only},
          Switch{"subscription_count_events", &App::subscription_count_events}}) {
        auto value = read_bool(row, column, app.*member);
        if (!value) {
            return Problem(std::move(value).error());
        }
        app.*member = *value;
    }
    for (const auto& column : kLimitColumns) {
        if (auto read = read_limit(row, column, app.limits); !read) {
            return Problem(std::move(read).error());
        }
    }
    auto targets = read_webhooks(row, skipped);
    if (!targets) {
        return Problem(std::move(targets).error());
    }
    app.webhooks = std::move(targets).value();
    app.allowed_origins = read_origins(row);
    return app;
}

AppRow row_from_app(const App& app) {
    const auto flag = [](bool on) {
        return std::optional<std::string>(on ? "1" : "0");
    };
    AppRow row;
    row["id"] = app.id;
    row["key"] = app.key;
    row["secret"] = app.secret;
    row["enabled"] = flag(app.enabled);
    row["enable_client_messages"] = flag(app.client_events);
    row["enable_user_authentication"] = flag(app.user_authentication_required);
    row["max_read_req_per_sec"] = "-1";  // Herald has no read rate limit
    for (const auto& column : kLimitColumns) {
        row[std::string(column.name)] = limit_text(column, app.limits);
    }
    row["webhooks"] = app.webhooks.empty()
                              ? std::nullopt
                              : std::optional<std::string>(webhooks_json(app.webhooks));
    row["tls_only"] = flag(app.tls_only);
    row["subscription_count_events"] = flag(app.subscription_count_events);
    std::string origins;
    for (const auto& origin : app.allowed_origins) {
        origins += (origins.empty() ? "" : ",") + origin;
    }
    row["allowed_origins"] = origins.empty() ? std::nullopt : std::optional<std::string>(origins);
    return row;
}

}  // namespace herald::appstore
