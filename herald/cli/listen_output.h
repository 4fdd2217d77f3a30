// herald/cli/listen_output.h
//
// What `herald listen` prints for each event, and how it reads --ws-url. One JSON line per
// event: {"channel","event","data","user_id"?} with `data` parsed when it is JSON (else the
// text as a string), and for presence member changes {"channel","event","user_id","user_info"}.
// --pretty gives one readable line instead. Pure functions.
// Owner: none.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "herald/client/core.h"
#include "herald/util/result.h"

namespace herald::cli {

// ws[s]://HOST[:PORT][PREFIX]/app/KEY (any query is ignored).
struct WebSocketTarget {
    std::string host;  // an IPv6 address without brackets
    std::uint16_t port = 0;
    bool tls = false;
    std::string path_prefix;
    std::string key;
};

[[nodiscard]] util::Result<WebSocketTarget, std::string> parse_ws_url(std::string_view url);

// The events `herald listen` shows: channel events and presence member changes, not the
// client's own bookkeeping (subscription_succeeded, subscription_count, subscription_error).
[[nodiscard]] bool is_listened_event(const client::Event& event);

// The line for `event`, with its newline.
[[nodiscard]] std::string listen_line(const client::Event& event, bool pretty);

}  // namespace herald::cli
