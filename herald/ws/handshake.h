// herald/ws/handshake.h
//
// The opening handshake (RFC 6455 §4) for both roles, sans-I/O: a parsed HTTP request in, the
// exact response bytes and the negotiated protocol/extensions out; and the client's request and
// the check of the server's answer.
// Owner: none (pure functions).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "herald/http/message.h"
#include "herald/util/result.h"
#include "herald/ws/deflate.h"

namespace herald::ws {

constexpr std::string_view kWebSocketGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
constexpr int kWebSocketVersion = 13;

// base64(SHA-1(key + GUID)) (RFC 6455 §4.2.2 item 5.4).
[[nodiscard]] std::string accept_key(std::string_view client_key);

// True when the request asks for a WebSocket upgrade (its Upgrade field lists websocket, whatever
// the method); such a request must go through accept_handshake even if it turns out invalid (a
// method other than GET gets 405 with Allow: GET).
[[nodiscard]] bool is_upgrade_request(const http::Request& request);

struct ServerHandshakeOptions {
    std::vector<std::string> subprotocols;  // ours, in order of preference
    DeflateOptions deflate;
};

struct ServerHandshake {
    bool accepted = false;
    http::Response response;  // 101 when accepted; 400/426/... with a precise body otherwise
    std::string protocol;     // the selected subprotocol, empty when none
    std::optional<DeflateParams> deflate;
    std::string error;  // why it was refused
};

// Validates the request (method GET, HTTP/1.1, Upgrade and Connection tokens, version 13 — else
// 426 with Sec-WebSocket-Version: 13 —, a key that decodes to 16 bytes), selects a subprotocol
// (the first of ours the client listed) and negotiates permessage-deflate.
[[nodiscard]] ServerHandshake accept_handshake(const http::Request& request,
                                               const ServerHandshakeOptions& options);

struct ClientHandshakeOptions {
    std::string host;          // Host header value (host[:port])
    std::string target = "/";  // path and query
    std::string origin;        // optional Origin header
    std::vector<std::string> subprotocols;
    DeflateOptions deflate;
    std::vector<http::Field> extra_fields;
};

struct ClientRequest {
    std::string key;  // the Sec-WebSocket-Key sent (base64 of 16 random bytes)
    http::Request request;
};

[[nodiscard]] ClientRequest make_client_request(const ClientHandshakeOptions& options);

// What the server agreed to.
struct ClientHandshake {
    std::string protocol;  // the subprotocol it chose, empty when none
    std::optional<DeflateParams> deflate;
};

// Checks the server's response: 101, Upgrade/Connection tokens, the accept value, a subprotocol
// we asked for (if any) and an extension answer we offered (if any). The error says why the
// answer is refused.
[[nodiscard]] util::Result<ClientHandshake, std::string> verify_server_response(
        const http::Response& response, const std::string& key,
        const ClientHandshakeOptions& options);

}  // namespace herald::ws
