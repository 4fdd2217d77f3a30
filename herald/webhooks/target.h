// herald/webhooks/target.h
//
// Where an app's webhooks go: one or more URLs, each with the event types it wants (empty: all),
// an optional channel-name prefix (protocol.md §9.6) and extra HTTP headers sent with every
// request to it (soketi's webhook `headers`, e.g. an Authorization the receiver checks).
// `#server-to-user-*` channels never produce webhooks (§9.3).
// Owner: plain data, immutable once the server starts.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "herald/webhooks/event.h"

namespace herald::webhooks {

// One extra request header, as given (the name's case is kept).
struct Header {
    std::string name;
    std::string value;

    friend bool operator==(const Header&, const Header&) = default;
};

struct Target {
    std::string url;                     // http:// or https://
    std::vector<EventType> event_types;  // empty: every type
    std::string channel_prefix;          // empty: every channel
    std::vector<Header> headers{};       // sent with every request; checked by header_problem

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

// What is wrong with adding `header` to a request that already carries `before`, or nothing.
// The name must be an HTTP token (RFC 9110 §5.6.2) and not one Herald sets itself or that frames
// the request (Content-Type, Content-Length, Host, X-Pusher-Key, X-Pusher-Signature,
// Transfer-Encoding, Expect, Connection), nor repeat a name of `before` (case-insensitively); the
// value must be visible characters, spaces and tabs only (§5.5): no CR, LF or NUL to inject
// another header or a second request. Both are bounded so one bad row cannot bloat every request.
[[nodiscard]] std::optional<std::string> header_problem(const Header& header,
                                                        const std::vector<Header>& before);

}  // namespace herald::webhooks
