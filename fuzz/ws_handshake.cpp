// fuzz/ws_handshake.cpp
//
// Raw bytes -> RequestParser -> accept_handshake. Properties: the server accepts exactly the
// requests an independent reading of RFC 6455 §4.2.1 calls valid, and always answers with exactly
// one well-formed HTTP response (a 101 carrying the right accept value, or a refusal).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "herald/http/parser.h"
#include "herald/util/ascii.h"
#include "herald/util/base64.h"
#include "herald/ws/handshake.h"

namespace {

using herald::util::trim;

// The trimmed value of a field present exactly once, else empty.
std::string_view single(const herald::http::Fields& fields, std::string_view name) {
    return fields.count(name) == 1 ? trim(*fields.get(name)) : std::string_view{};
}

bool valid_opening_handshake(const herald::http::Request& r) {
    using herald::util::list_contains_token;
    const auto key = herald::util::base64_decode(single(r.fields, "Sec-WebSocket-Key"));
    return r.method == "GET" && r.version >= 11 && r.fields.count("Host") == 1 &&
           list_contains_token(r.fields.joined("Upgrade"), "websocket") &&
           list_contains_token(r.fields.joined("Connection"), "upgrade") &&
           single(r.fields, "Sec-WebSocket-Version") == "13" && key && key->size() == 16;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    herald::http::RequestParser parser(herald::http::ParserLimits{4096, 4096});
    const auto step = parser.feed(std::string_view(reinterpret_cast<const char*>(data), size));
    if (step.status != herald::http::ParseStatus::Done || step.used_bytes > size) {
        return 0;
    }
    const auto& request = parser.request();
    herald::ws::ServerHandshakeOptions options{{"pusher", "chat"}, {}};
    options.deflate.enabled = true;
    const auto handshake = herald::ws::accept_handshake(request, options);
    const auto wire = herald::http::serialize(handshake.response);
    herald::http::ResponseParser reader;
    const auto read = reader.feed(wire);
    const auto& response = reader.response();
    const auto accept = single(response.fields, "Sec-WebSocket-Accept");
    const bool ok = handshake.accepted
                            ? response.status == 101 &&
                                      accept == herald::ws::accept_key(
                                                        single(request.fields, "Sec-WebSocket-Key"))
                            : response.status >= 400 && accept.empty() && !handshake.error.empty();
    if (handshake.accepted != valid_opening_handshake(request) || !ok ||
        read.status != herald::http::ParseStatus::Done || read.used_bytes != wire.size()) {
        std::abort();  // accepted something invalid, refused something valid, or not one response
    }
    return 0;
}
