// herald/server/rest_body.h
//
// The REST API's JSON bodies (protocol.md §8.4 trigger, §8.5 batch) and `info` lists, parsed and
// checked against one app's limits: event name, data size, channel names and counts, socket_id,
// the encrypted-channel rule (§6.6). Pure: no service calls, no clocks, no logging.
// Owner: none (pure functions; each thread parses with its own parser).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "herald/server/app.h"
#include "herald/util/result.h"

namespace herald::server {

// A refused request: the HTTP status (§8.1 table) and a sentence naming what was wrong.
struct RestError {
    unsigned status = 400;
    std::string message;

    friend bool operator==(const RestError&, const RestError&) = default;
};

// The attributes an `info` list asks for (§8.4, §8.6, §8.7). Unknown names are ignored.
struct InfoRequest {
    bool user_count = false;
    bool subscription_count = false;
    bool cache = false;

    friend bool operator==(const InfoRequest&, const InfoRequest&) = default;
};

// Splits a comma-separated `info` value; surrounding spaces are ignored.
[[nodiscard]] InfoRequest parse_info(std::string_view list);

// One checked event and where it goes.
struct Trigger {
    std::string name;
    std::string data;                      // the string to deliver, exactly as sent
    std::vector<std::string> channels;     // valid names, duplicates dropped, first order kept
    std::optional<std::string> socket_id;  // valid format (§2.5): excluded from delivery
    std::optional<InfoRequest> info;       // set when the request carried `info`
};

// /events: one trigger; /batch_events: one per item, in order. An error refuses the whole
// request: nothing is published.
using ParsedTriggers = util::Result<std::vector<Trigger>, RestError>;

// §8.4: {"name","data","channel"|"channels","socket_id"?,"info"?}.
[[nodiscard]] ParsedTriggers parse_trigger_body(std::string_view body, const AppLimits& limits);

// §8.5: {"batch":[{"channel","name","data","socket_id"?,"info"?}, ...]}, all items checked
// before any is accepted.
[[nodiscard]] ParsedTriggers parse_batch_body(std::string_view body, const AppLimits& limits);

// §8.7, §8.8: a channel name taken from the path, checked like a trigger's.
[[nodiscard]] std::optional<RestError> check_path_channel(std::string_view name,
                                                          const AppLimits& limits);

// §8.9: an empty body or any JSON object (SDKs send "{}"); nullopt when acceptable.
[[nodiscard]] std::optional<RestError> check_empty_object_body(std::string_view body);

// `text` in single quotes for an error message, cut after a few dozen bytes.
[[nodiscard]] std::string quote_for_message(std::string_view text);

}  // namespace herald::server
