// herald/ws/sse_format.cpp
#include "herald/ws/sse_format.h"

#include <algorithm>
#include <cstdint>

namespace herald::ws {
namespace {

// Calls fn(line) for each line of `text`, where lines end at CRLF, CR or LF (§9.2.4). A text that
// ends with a line break ends with an empty line, so the client rebuilds the break; an empty text
// is one empty line.
template <class Fn>
void for_each_line(std::string_view text, Fn&& fn) {
    std::size_t start = 0;
    while (true) {
        const std::size_t end = text.find_first_of("\r\n", start);
        if (end == std::string_view::npos) {
            fn(text.substr(start));
            return;
        }
        fn(text.substr(start, end - start));
        start = end + 1;
        if (text[end] == '\r' && start < text.size() && text[start] == '\n') {
            ++start;
        }
    }
}

void append_field(std::string& out, std::string_view name, std::string_view value) {
    out += name;
    out += ": ";
    out += value;
    out += '\n';
}

}  // namespace

std::string event_stream_head() {
    return "HTTP/1.1 200 OK\r\n"
           "Content-Type: text/event-stream\r\n"
           "Cache-Control: no-cache\r\n"
           "X-Accel-Buffering: no\r\n"
           "\r\n";
}

std::string strip_line_breaks(std::string_view value) {
    std::string out;
    out.reserve(value.size());
    for (const char c : value) {
        if (c != '\r' && c != '\n' && c != '\0') {
            out += c;
        }
    }
    return out;
}

std::string format_event(const SseEvent& event) {
    std::string out;
    out.reserve(event.data.size() + event.event.size() + event.id.size() + 32);
    if (!event.event.empty()) {
        append_field(out, "event", strip_line_breaks(event.event));
    }
    if (!event.id.empty()) {
        append_field(out, "id", strip_line_breaks(event.id));
    }
    if (event.retry) {
        append_field(out, "retry", std::to_string(std::max<std::int64_t>(0, event.retry->count())));
    }
    for_each_line(event.data, [&](std::string_view line) { append_field(out, "data", line); });
    out += '\n';
    return out;
}

std::string format_comment(std::string_view text) {
    std::string out;
    for_each_line(text, [&](std::string_view line) {
        out += ':';
        out += line;
        out += '\n';
    });
    return out;
}

}  // namespace herald::ws
