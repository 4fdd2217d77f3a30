// herald/webhooks/signer.h
//
// The request of one webhook delivery (protocol.md §9.1): the body `{"time_ms":..,"events":[..]}`
// and its signature, HMAC-SHA256 of exactly those bytes with the app secret, in lower-case hex.
// The body is built once and never re-serialised, so retries send the same bytes (§9.2).
// Owner: none (pure functions).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "herald/webhooks/event.h"

namespace herald::webhooks {

[[nodiscard]] std::string webhook_body(std::int64_t time_ms, std::span<const Event> events);

[[nodiscard]] std::string webhook_signature(std::string_view secret, std::string_view body);

}  // namespace herald::webhooks
