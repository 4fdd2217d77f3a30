// herald/webhooks/target.h
//
// Where an app's webhooks go: one or more URLs, each with the event types it wants (empty: all)
// and an optional channel-name prefix (protocol.md §9.6). `#server-to-user-*` channels never
// produce webhooks (§9.3).
// Owner: plain data, immutable once the server starts.
#pragma once

#include <string>
#include <vector>

#include "herald/webhooks/event.h"

namespace herald::webhooks {

struct Target {
    std::string url;                     // http:// or https://
    std::vector<EventType> event_types;  // empty: every type
    std::string channel_prefix;          // empty: every channel

    [[nodiscard]] bool wants(const Event& event) const noexcept;

    friend bool operator==(const Target&, const Target&) = default;
};

// What the webhook thread needs to know of one app: its key and secret sign the requests; its id
// names it in the occupancy journal, which outlives the order of the apps in the configuration.
struct AppHooks {
    std::string id;
    std::string key;
    std::string secret;
    std::vector<Target> targets;
};

// Whether `url` can be a webhook target: http:// or https://, a host, and no whitespace or
// control characters (the spool stores it on one line).
[[nodiscard]] bool valid_target_url(std::string_view url) noexcept;

}  // namespace herald::webhooks
