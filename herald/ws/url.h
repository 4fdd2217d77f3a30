// herald/ws/url.h
//
// WebSocket URIs (RFC 6455 §3): ws://host[:port][/path][?query] and wss://..., with IPv6 literals
// in brackets. Fragments are refused, as §3 requires.
// Owner: none (values and pure functions).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace herald::ws {

struct WsUrl {
    bool secure = false;       // wss
    std::string host;          // without brackets: what to resolve and verify
    std::uint16_t port = 80;   // 80 for ws, 443 for wss unless given
    std::string target = "/";  // path and query for the request line
    std::string host_field;    // the Host header value (port only when not the default)
};

// nullopt when `url` is not an absolute ws/wss URI (the scheme is case-insensitive).
[[nodiscard]] std::optional<WsUrl> parse_ws_url(std::string_view url);

}  // namespace herald::ws
