// herald/pusher/fallback.h
//
// pusher-js's HTTP fallback transports (xhr_streaming, xhr_polling) as pure functions: the
// session URL, the frames a receive request carries and the body of a send request
// (docs/HTTP_FALLBACK.md). The client names its session, `{server}/{session}` after the app
// key; what makes it a Pusher connection is the server's job.
// Owner: none (pure functions).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "herald/util/result.h"

namespace herald::pusher {

enum class FallbackRoute : std::uint8_t {
    Streaming,  // .../xhr_streaming: one response that stays open, frames as they come
    Polling,    // .../xhr: one response per batch of frames (long polling)
    Send,       // .../xhr_send: the client's messages, a JSON array of strings
};

struct FallbackPath {
    std::string key;      // the app key
    std::string session;  // "{server}/{session}", as the client chose it
    FallbackRoute route = FallbackRoute::Streaming;
};

// The longest session part accepted: pusher-js sends 8 characters; longer ones come from
// other clients of the same protocol.
inline constexpr std::size_t kMaxFallbackSessionLength = 64;
// The shortest: fewer random characters would make a session too easy to guess.
inline constexpr std::size_t kMinFallbackSessionLength = 8;

// `path` (no query) as `{prefix}[/pusher]/app/{key}/{server}/{session}/{route}`: pusher-js's
// httpPath defaults to "/pusher", and may also be set to the WebSocket prefix itself. `prefix`
// is empty or starts with '/' and has no trailing '/'. Nothing when the path is not a session
// URL, or when its key, server or session part is empty, too long or has characters outside
// [A-Za-z0-9_-].
[[nodiscard]] std::optional<FallbackPath> parse_fallback_path(std::string_view path,
                                                              std::string_view prefix);

// Frames, each ending with '\n': the session is open; keep-alive; messages; the close.
[[nodiscard]] std::string_view open_frame() noexcept;
[[nodiscard]] std::string_view heartbeat_frame() noexcept;
// a["m1","m2",...]: each message (a Pusher JSON text) as a JSON string.
[[nodiscard]] std::string array_frame(std::span<const std::string> messages);
// c[code,"reason"].
[[nodiscard]] std::string close_frame(std::uint16_t code, std::string_view reason);

// Appends `message` to an open array frame being built in `frame` ("a[" first, "]\n" last).
void append_array_message(std::string& frame, std::string_view message);

// A send request's body: a JSON array of strings, each one client message. `[]` (a keep-alive)
// gives no message. Anything else is a fault with a sentence for the client.
[[nodiscard]] util::Result<std::vector<std::string>, std::string> parse_send_body(
        std::string_view body);

}  // namespace herald::pusher
