// herald/server/webhook_events.h
//
// ChannelEvents for webhooks: turns what the hub reports into webhook events and hands them to
// the webhook thread (herald/webhooks). Built only when some app has a webhook target.
// Owner: the server; the ChannelEvents methods run on any worker thread.
#pragma once

#include <memory>
#include <vector>

#include "herald/server/app.h"
#include "herald/server/channel_events.h"
#include "herald/server/debug_feed.h"
#include "herald/webhooks/dispatcher.h"
#include "herald/webhooks/settings.h"

namespace herald::server {

// Every target of `app`: its webhook_urls (all event types, all channels), then its webhooks.
[[nodiscard]] std::vector<webhooks::Target> webhook_targets(const App& app);

class WebhookEvents final : public ChannelEvents {
public:
    // Apps by slot: `apps` (the registry, sized for every slot it may use).
    WebhookEvents(const webhooks::Settings& settings, const AppRegistry& apps);

    // The apps' webhook targets and secrets as `apps` has them now (a reload). Any thread.
    void replace_apps(const AppRegistry& apps);

    // Each delivery, failed attempt and dead letter goes to the consoles watching its app. Both
    // outlive the webhook thread. Before start().
    void show_deliveries(DebugFeed& feed, const AppRegistry& apps);

    // Replays the spool and starts the webhook thread; throws std::runtime_error.
    void start() { dispatcher_.start(); }

    // Flushes what is held and queued, then stops (what is undelivered stays in the spool).
    void stop() { dispatcher_.stop(); }

    [[nodiscard]] const webhooks::Counters& counters() const noexcept {
        return dispatcher_.counters();
    }

    void channel_occupied(std::size_t app, std::string_view channel) override;
    void channel_vacated(std::size_t app, std::string_view channel) override;
    void member_added(std::size_t app, std::string_view channel, std::string_view user_id) override;
    void member_removed(std::size_t app, std::string_view channel,
                        std::string_view user_id) override;
    void client_event(std::size_t app, std::string_view channel, std::string_view event,
                      std::string_view data, std::string_view socket_id,
                      std::string_view user_id) override;
    void cache_miss(std::size_t app, std::string_view channel) override;
    void subscription_count(std::size_t app, std::string_view channel,
                            std::uint64_t count) override;

private:
    webhooks::Dispatcher dispatcher_;
};

// Whether any app of `apps` has a webhook target.
[[nodiscard]] bool any_webhooks(const std::vector<App>& apps);
[[nodiscard]] bool any_webhooks(const std::vector<AppPtr>& apps);

}  // namespace herald::server
