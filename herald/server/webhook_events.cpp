#include "herald/server/webhook_events.h"

#include <algorithm>
#include <string>

#include <simdjson.h>

#include "herald/server/console_event.h"

namespace herald::server {

namespace {

// Every slot's hooks: a slot without an app has none.
std::vector<webhooks::AppHooks> hooks_of(const AppRegistry& apps) {
    std::vector<webhooks::AppHooks> hooks(apps.capacity());
    for (std::size_t slot = 0; slot < hooks.size(); ++slot) {
        if (const auto app = apps.at(slot)) {
            hooks[slot] = webhooks::AppHooks{app->id, app->key, app->secret, webhook_targets(*app)};
        } else {
            hooks[slot].id = apps.id_of(slot);
        }
    }
    return hooks;
}

// The event names of a webhook body ({"time_ms": ..., "events": [{"name": ...}, ...]}).
std::vector<std::string> event_names(const std::string& body) {
    std::vector<std::string> names;
    simdjson::dom::parser parser;
    simdjson::dom::element root;
    simdjson::dom::array events;
    if (parser.parse(body).get(root) != simdjson::SUCCESS ||
        root["events"].get_array().get(events) != simdjson::SUCCESS) {
        return names;
    }
    for (const auto event : events) {
        std::string_view name;
        if (event["name"].get_string().get(name) == simdjson::SUCCESS) {
            names.emplace_back(name);
        }
    }
    return names;
}

std::string_view console_kind(webhooks::Delivery::Result result) {
    switch (result) {
        case webhooks::Delivery::Result::Sent:
            return "webhook_sent";
        case webhooks::Delivery::Result::Failed:
            return "webhook_failed";
        case webhooks::Delivery::Result::DeadLettered:
            return "webhook_dead_lettered";
    }
    return "webhook_failed";
}

bool has_webhooks(const App& app) {
    return !app.webhook_urls.empty() || !app.webhooks.empty();
}

}  // namespace

std::vector<webhooks::Target> webhook_targets(const App& app) {
    std::vector<webhooks::Target> targets;
    for (const auto& url : app.webhook_urls) {
        targets.push_back(webhooks::Target{url, {}, ""});
    }
    targets.insert(targets.end(), app.webhooks.begin(), app.webhooks.end());
    return targets;
}

bool any_webhooks(const std::vector<App>& apps) {
    return std::any_of(apps.begin(), apps.end(), has_webhooks);
}

bool any_webhooks(const std::vector<AppPtr>& apps) {
    return std::any_of(apps.begin(), apps.end(),
                       [](const AppPtr& app) { return has_webhooks(*app); });
}

WebhookEvents::WebhookEvents(const webhooks::Settings& settings, const AppRegistry& apps)
    : dispatcher_(settings, hooks_of(apps)) {}

void WebhookEvents::show_deliveries(DebugFeed& feed, const AppRegistry& apps) {
    dispatcher_.observe([&feed, &apps](const webhooks::Delivery& delivery) {
        if (!feed.watching_any()) {
            return;
        }
        const auto slot = apps.slot_of(delivery.request.app_id);
        if (!slot || !feed.watching(*slot)) {
            return;
        }
        ConsoleEvent event(console_kind(delivery.result));
        event.text("url", delivery.request.url).texts("events", event_names(delivery.request.body));
        if (!delivery.error.empty()) {
            event.text("error", delivery.error);
        }
        feed.publish(*slot, event.finish());
    });
}

void WebhookEvents::replace_apps(const AppRegistry& apps) {
    dispatcher_.replace_apps(hooks_of(apps));
}

void WebhookEvents::channel_occupied(std::size_t app, std::string_view channel) {
    dispatcher_.post(app, webhooks::channel_occupied(std::string(channel)));
}

void WebhookEvents::channel_vacated(std::size_t app, std::string_view channel) {
    dispatcher_.post(app, webhooks::channel_vacated(std::string(channel)));
}

void WebhookEvents::member_added(std::size_t app, std::string_view channel,
                                 std::string_view user_id) {
    dispatcher_.post(app, webhooks::member_added(std::string(channel), std::string(user_id)));
}

void WebhookEvents::member_removed(std::size_t app, std::string_view channel,
                                   std::string_view user_id) {
    dispatcher_.post(app, webhooks::member_removed(std::string(channel), std::string(user_id)));
}

void WebhookEvents::client_event(std::size_t app, std::string_view channel, std::string_view event,
                                 std::string_view data, std::string_view socket_id,
                                 std::string_view user_id) {
    dispatcher_.post(
            app, webhooks::client_event(std::string(channel), std::string(event), std::string(data),
                                        std::string(socket_id), std::string(user_id)));
}

void WebhookEvents::cache_miss(std::size_t app, std::string_view channel) {
    dispatcher_.post(app, webhooks::cache_miss(std::string(channel)));
}

void WebhookEvents::subscription_count(std::size_t app, std::string_view channel,
                                       std::uint64_t count) {
    dispatcher_.post(app, webhooks::subscription_count(std::string(channel), count));
}

}  // namespace herald::server
