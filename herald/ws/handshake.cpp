#include "herald/ws/handshake.h"

#include <algorithm>
#include <array>
#include <cstddef>
#include <span>
#include <utility>

#include "herald/util/ascii.h"
#include "herald/util/base64.h"
#include "herald/util/digest.h"
#include "herald/util/random.h"

namespace herald::ws {

namespace {

constexpr std::size_t kKeyBytes = 16;  // RFC 6455 §4.1: a randomly selected 16-byte nonce

bool field_has_token(const http::Fields& fields, std::string_view name, std::string_view token) {
    return util::list_contains_token(fields.joined(name), token);
}

ServerHandshake refuse(unsigned status, std::string error) {
    ServerHandshake handshake;
    handshake.error = std::move(error);
    handshake.response = http::text_response(status, handshake.error + "\n");
    return handshake;
}

// RFC 6455 §4.2.2 item 4: tell the client which version we speak; RFC 9110 §15.5.22: a 426
// names the protocol to upgrade to.
ServerHandshake refuse_version(std::string error) {
    auto handshake = refuse(426, std::move(error));
    handshake.response.fields.set("Connection", "Upgrade, close");
    handshake.response.fields.add("Upgrade", "websocket");
    handshake.response.fields.add("Sec-WebSocket-Version", std::to_string(kWebSocketVersion));
    return handshake;
}

// The checks of RFC 6455 §4.2.1, in order; nullopt when the request is a valid opening handshake.
std::optional<ServerHandshake> check_request(const http::Request& request) {
    if (request.method != "GET") {
        auto handshake = refuse(405, "a WebSocket upgrade must use GET, not " + request.method);
        handshake.response.fields.add("Allow", "GET");
        return handshake;
    }
    if (request.version < 11) {
        return refuse(400, "a WebSocket upgrade needs HTTP/1.1 or later");
    }
    if (request.fields.count("Host") != 1) {
        return refuse(400, "a WebSocket upgrade needs exactly one Host field");
    }
    if (!field_has_token(request.fields, "Upgrade", "websocket")) {
        return refuse(400, "the Upgrade field must list websocket");
    }
    if (!field_has_token(request.fields, "Connection", "upgrade")) {
        return refuse(400, "the Connection field must list upgrade");
    }
    const auto version = request.fields.get("Sec-WebSocket-Version");
    if (request.fields.count("Sec-WebSocket-Version") != 1 || util::trim(*version) != "13") {
        return refuse_version("unsupported Sec-WebSocket-Version: only 13 is spoken here");
    }
    if (request.fields.count("Sec-WebSocket-Key") != 1) {
        return refuse(400, "a WebSocket upgrade needs exactly one Sec-WebSocket-Key");
    }
    const auto key = util::base64_decode(util::trim(*request.fields.get("Sec-WebSocket-Key")));
    if (!key || key->size() != kKeyBytes) {
        return refuse(400, "Sec-WebSocket-Key must be base64 of 16 bytes");
    }
    return std::nullopt;
}

// RFC 6455 §4.2.2 item 5.4: the first of our subprotocols, in our order, that the client listed.
std::string select_subprotocol(const http::Request& request, const std::vector<std::string>& ours) {
    const auto offered = request.fields.joined("Sec-WebSocket-Protocol");
    for (const auto& candidate : ours) {
        bool listed = false;
        util::for_each_list_element(offered, [&](std::string_view element) {
            listed = element == candidate;
            return !listed;
        });
        if (listed) {
            return candidate;
        }
    }
    return {};
}

bool is_one_of(std::string_view value, const std::vector<std::string>& list) {
    return std::find(list.begin(), list.end(), value) != list.end();
}

// RFC 6455 §4.1 (the client's checks of the server's answer), items 1 to 4.
std::optional<std::string> check_upgrade_response(const http::Response& response,
                                                  const std::string& key) {
    if (response.status != 101) {
        return "the server answered " + std::to_string(response.status) + " " +
               std::string(http::reason_phrase(response.status)) + " instead of 101";
    }
    if (!field_has_token(response.fields, "Upgrade", "websocket")) {
        return std::string("the server's Upgrade field does not list websocket");
    }
    if (!field_has_token(response.fields, "Connection", "upgrade")) {
        return std::string("the server's Connection field does not list upgrade");
    }
    const auto accept = response.fields.get("Sec-WebSocket-Accept");
    if (response.fields.count("Sec-WebSocket-Accept") != 1 ||
        util::trim(*accept) != accept_key(key)) {
        return std::string("wrong or missing Sec-WebSocket-Accept");
    }
    return std::nullopt;
}

}  // namespace

std::string accept_key(std::string_view client_key) {
    std::string input(client_key);
    input += kWebSocketGuid;
    return util::base64_encode(util::sha1(input));
}

bool is_upgrade_request(const http::Request& request) {
    return field_has_token(request.fields, "Upgrade", "websocket");
}

ServerHandshake accept_handshake(const http::Request& request,
                                 const ServerHandshakeOptions& options) {
    if (auto refused = check_request(request)) {
        return std::move(*refused);
    }
    ServerHandshake handshake;
    handshake.accepted = true;
    handshake.protocol = select_subprotocol(request, options.subprotocols);
    auto& response = handshake.response;
    response.status = 101;
    response.fields.add("Upgrade", "websocket");
    response.fields.add("Connection", "Upgrade");
    response.fields.add("Sec-WebSocket-Accept",
                        accept_key(util::trim(*request.fields.get("Sec-WebSocket-Key"))));
    if (!handshake.protocol.empty()) {
        response.fields.add("Sec-WebSocket-Protocol", handshake.protocol);
    }
    if (auto agreement = negotiate_deflate(request.fields.joined("Sec-WebSocket-Extensions"),
                                           options.deflate)) {
        response.fields.add("Sec-WebSocket-Extensions", std::move(agreement->response));
        handshake.deflate = agreement->params;
    }
    return handshake;
}

ClientRequest make_client_request(const ClientHandshakeOptions& options) {
    std::array<std::byte, kKeyBytes> nonce{};
    util::random_bytes(nonce);
    ClientRequest out;
    out.key = util::base64_encode(
            std::string_view(reinterpret_cast<const char*>(nonce.data()), nonce.size()));
    auto& request = out.request;
    request.method = "GET";
    request.target = options.target;
    request.version = 11;
    request.fields.add("Host", options.host);
    request.fields.add("Upgrade", "websocket");
    request.fields.add("Connection", "Upgrade");
    request.fields.add("Sec-WebSocket-Key", out.key);
    request.fields.add("Sec-WebSocket-Version", std::to_string(kWebSocketVersion));
    if (!options.origin.empty()) {
        request.fields.add("Origin", options.origin);
    }
    if (!options.subprotocols.empty()) {
        std::string list;
        for (const auto& protocol : options.subprotocols) {
            list += list.empty() ? "" : ", ";
            list += protocol;
        }
        request.fields.add("Sec-WebSocket-Protocol", std::move(list));
    }
    if (options.deflate.enabled) {
        request.fields.add("Sec-WebSocket-Extensions", make_deflate_offer(options.deflate));
    }
    for (const auto& field : options.extra_fields) {
        request.fields.add(field.name, field.value);
    }
    return out;
}

util::Result<ClientHandshake, std::string> verify_server_response(
        const http::Response& response, const std::string& key,
        const ClientHandshakeOptions& options) {
    if (auto error = check_upgrade_response(response, key)) {
        return util::unexpected(std::move(*error));
    }
    ClientHandshake handshake;
    // RFC 6455 §4.1 item 6: at most one subprotocol, and one we asked for.
    if (const auto protocol = response.fields.get("Sec-WebSocket-Protocol")) {
        const auto value = util::trim(*protocol);
        if (response.fields.count("Sec-WebSocket-Protocol") != 1 ||
            !is_one_of(value, options.subprotocols)) {
            return util::unexpected("the server chose a subprotocol we did not ask for: " +
                                    std::string(value));
        }
        handshake.protocol = std::string(value);
    }
    // RFC 6455 §4.1 item 5: only extensions we offered.
    const auto extensions = response.fields.joined("Sec-WebSocket-Extensions");
    if (!util::trim(extensions).empty()) {
        if (!options.deflate.enabled) {
            return util::unexpected("the server answered extensions we did not offer: " +
                                    extensions);
        }
        handshake.deflate = accept_deflate_response(extensions, options.deflate);
        if (!handshake.deflate) {
            return util::unexpected("unacceptable Sec-WebSocket-Extensions answer: " + extensions);
        }
    }
    return handshake;
}

}  // namespace herald::ws
