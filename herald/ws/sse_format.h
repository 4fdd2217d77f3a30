// herald/ws/sse_format.h
//
// Server-Sent Events wire format (HTML Living Standard, "Server-sent events", §9.2): the response
// head of an event stream, events with multi-line data, comments and the retry field. Field values
// that cannot carry line breaks (event, id) are cleaned so a caller's string can never inject
// another field or event.
// Owner: none (pure functions).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace herald::ws {

// "HTTP/1.1 200 OK" with Content-Type: text/event-stream and Cache-Control: no-cache, no
// Content-Length: the body lasts as long as the connection.
[[nodiscard]] std::string event_stream_head();

struct SseEvent {
    std::string_view data;   // split into one "data:" line per line (CRLF, CR or LF)
    std::string_view event;  // event type; empty: the default "message"
    std::string_view id;     // sets the client's last event ID; empty: none
    std::optional<std::chrono::milliseconds> retry;  // reconnection time
};

// The event as it goes on the wire, ending with the blank line that dispatches it.
[[nodiscard]] std::string format_event(const SseEvent& event);

// A comment (ignored by clients, keeps proxies from timing the stream out): ":text\n" per line.
[[nodiscard]] std::string format_comment(std::string_view text);

// `value` without CR, LF (and NUL, which makes a client ignore an id).
[[nodiscard]] std::string strip_line_breaks(std::string_view value);

}  // namespace herald::ws
