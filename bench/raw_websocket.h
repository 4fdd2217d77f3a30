// bench/raw_websocket.h
//
// The least of RFC 6455 the library-free ceilings need: an unmasked text frame (server to client,
// §5.2) and the opening handshake's answer (§4.2.2: the 101 with the accept key and nothing else).
// Shared by the epoll ceiling (bench_ceiling) and the io_uring one (bench_ceiling_uring), so the
// two differ only in how they write.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace herald::bench {

// Requests longer than this without their blank line are dropped.
inline constexpr std::size_t kMaxHandshakeBytes = 8192;

// FIN + text opcode, the shortest length form, no mask.
[[nodiscard]] std::string text_frame(std::string_view payload);

// The value of the request's Sec-WebSocket-Key header (names are case-insensitive, RFC 9110 §5.1);
// empty when it has none.
[[nodiscard]] std::string_view websocket_key(std::string_view request);

enum class HandshakeRead {
    More,
    Complete,
    TooLong
};

// Appends `bytes` to the request read so far and says whether its blank line has come, or whether
// it grew past kMaxHandshakeBytes without one.
[[nodiscard]] HandshakeRead read_handshake(std::string& request, std::string_view bytes);

// The 101 answer to a request with `key`.
[[nodiscard]] std::string switching_protocols(std::string_view key);

}  // namespace herald::bench
