// herald/sdk/webhook.h
//
// Verifying a webhook a Channels server posted to the application (protocol.md §9): the
// X-Pusher-Key header must name the app's key (or an extra token's), X-Pusher-Signature must be
// the HMAC-SHA256 hex of the exact body bytes under that key's secret (compared in constant
// time), Content-Type must be application/json and the body a JSON object with an "events"
// array. Only then are the events read.
// Owner: a value type made per received request.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "herald/sdk/json.h"

namespace herald::sdk {

// Request headers as received; names are compared case-insensitively.
using Headers = std::vector<std::pair<std::string, std::string>>;

struct WebhookToken {
    std::string key;
    std::string secret;
};

// One entry of "events" (§9.3). Fields a kind does not carry are empty; `raw` is the whole object.
struct WebhookEvent {
    std::string name;  // channel_occupied, member_added, client_event, ...
    std::string channel;
    std::string event;  // client_event
    std::string data;   // client_event (a string, §9.3)
    std::string socket_id;
    std::string user_id;  // member_added/removed, client_event on presence channels
    Json raw;
};

// X-Pusher-Signature for `body`: lowercase hex HMAC-SHA256 (what a sender puts in the header).
[[nodiscard]] std::string webhook_signature(std::string_view secret, std::string_view body);

class Webhook {
public:
    // `tokens`: the app's key and secret, then any others accepted (while rotating keys).
    Webhook(std::vector<WebhookToken> tokens, const Headers& headers, std::string body);

    // True when the key names one of the tokens, the signature is that token's HMAC of the body,
    // the content type is application/json and the body has time_ms and an events array.
    [[nodiscard]] bool valid() const { return problem().empty(); }

    // Why valid() is false ("" when it is true): for logs, never for the sender.
    [[nodiscard]] std::string problem() const;

    // The events, in order. Throws sdk::Error (with the problem) unless valid().
    [[nodiscard]] std::vector<WebhookEvent> events() const;

    // "time_ms" of the body: when the server created the webhook. Throws unless valid().
    [[nodiscard]] std::int64_t time_ms() const;

    [[nodiscard]] const std::string& body() const noexcept { return body_; }

private:
    void require_valid() const;

    std::vector<WebhookToken> tokens_;
    std::string key_;
    std::string signature_;
    std::string content_type_;
    std::string body_;
    Json data_;
    bool body_ok_ = false;
};

}  // namespace herald::sdk
