// fuzz/pusher_fallback.cpp
//
// Bytes as an HTTP fallback session path (first line) and a send request's body (the rest).
// Properties: both parsers are total; a parsed path names a key and a session of the allowed
// characters and is rebuilt into a path that parses the same; a parsed body written back as an
// array frame parses to the same messages.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_input.h"

#include "herald/pusher/fallback.h"

namespace {

using herald::fuzzing::check;
using herald::pusher::FallbackRoute;

std::string_view route_name(FallbackRoute route) {
    switch (route) {
        case FallbackRoute::Streaming:
            return "xhr_streaming";
        case FallbackRoute::Polling:
            return "xhr";
        case FallbackRoute::Send:
            return "xhr_send";
    }
    return "";
}

bool allowed(std::string_view s) {
    return s.find_first_not_of(
                   "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-/") ==
           std::string_view::npos;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view input(reinterpret_cast<const char*>(data), size);
    const auto path = herald::fuzzing::next_line(input);
    if (const auto parsed = herald::pusher::parse_fallback_path(path, "")) {
        check(!parsed->key.empty() && allowed(parsed->key) &&
              parsed->key.find('/') == std::string::npos);
        check(allowed(parsed->session) && parsed->session.find('/') != std::string::npos);
        const auto rebuilt = "/app/" + parsed->key + "/" + parsed->session + "/" +
                             std::string(route_name(parsed->route));
        const auto again = herald::pusher::parse_fallback_path(rebuilt, "");
        check(again && again->key == parsed->key && again->session == parsed->session &&
              again->route == parsed->route);
    }
    if (const auto messages = herald::pusher::parse_send_body(input)) {
        auto frame = herald::pusher::array_frame(*messages);
        check(frame.starts_with("a[") && frame.ends_with("]\n"));
        const auto again = herald::pusher::parse_send_body(
                std::string_view(frame).substr(1, frame.size() - 2));
        check(again && *again == *messages);
    }
    return 0;
}
