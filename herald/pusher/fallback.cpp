#include "herald/pusher/fallback.h"

#include <simdjson.h>

#include "herald/util/json_writer.h"

namespace herald::pusher {

namespace {

namespace dom = simdjson::dom;

constexpr std::size_t kMaxKeyLength = 128;
constexpr std::size_t kMaxServerLength = 16;

bool is_name_char(char c) noexcept {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-';
}

bool is_name(std::string_view s, std::size_t min, std::size_t max) noexcept {
    if (s.size() < min || s.size() > max) {
        return false;
    }
    for (const char c : s) {
        if (!is_name_char(c)) {
            return false;
        }
    }
    return true;
}

// The next '/'-separated segment of `rest`, which is consumed; nothing when none is left.
std::optional<std::string_view> next_segment(std::string_view& rest) {
    if (!rest.starts_with('/')) {
        return std::nullopt;
    }
    rest.remove_prefix(1);
    const auto end = rest.find('/');
    const auto segment = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end);
    return segment;
}

std::optional<FallbackRoute> route_of(std::string_view name) {
    if (name == "xhr_streaming") {
        return FallbackRoute::Streaming;
    }
    if (name == "xhr") {
        return FallbackRoute::Polling;
    }
    if (name == "xhr_send") {
        return FallbackRoute::Send;
    }
    return std::nullopt;
}

}  // namespace

std::optional<FallbackPath> parse_fallback_path(std::string_view path, std::string_view prefix) {
    if (!path.starts_with(prefix)) {
        return std::nullopt;
    }
    auto rest = path.substr(prefix.size());
    if (rest.starts_with("/pusher/")) {
        rest.remove_prefix(7);
    }
    const auto app = next_segment(rest);
    const auto key = next_segment(rest);
    const auto server = next_segment(rest);
    const auto session = next_segment(rest);
    const auto route = next_segment(rest);
    if (!app || *app != "app" || !key || !server || !session || !route || !rest.empty() ||
        !is_name(*key, 1, kMaxKeyLength) || !is_name(*server, 1, kMaxServerLength) ||
        !is_name(*session, kMinFallbackSessionLength, kMaxFallbackSessionLength)) {
        return std::nullopt;
    }
    const auto kind = route_of(*route);
    if (!kind) {
        return std::nullopt;
    }
    std::string name(*server);
    name += '/';
    name += *session;
    return FallbackPath{std::string(*key), std::move(name), *kind};
}

std::string_view open_frame() noexcept {
    return "o\n";
}

std::string_view heartbeat_frame() noexcept {
    return "h\n";
}

void append_array_message(std::string& frame, std::string_view message) {
    if (frame.size() > 2) {  // past "a["
        frame += ',';
    }
    util::append_json_string(frame, message);
}

std::string array_frame(std::span<const std::string> messages) {
    std::string frame = "a[";
    for (const auto& message : messages) {
        append_array_message(frame, message);
    }
    frame += "]\n";
    return frame;
}

std::string close_frame(std::uint16_t code, std::string_view reason) {
    std::string frame = "c[" + std::to_string(code) + ',';
    util::append_json_string(frame, reason);
    frame += "]\n";
    return frame;
}

util::Result<std::vector<std::string>, std::string> parse_send_body(std::string_view body) {
    if (body.empty()) {
        return util::unexpected(std::string("The body is empty; send a JSON array of strings"));
    }
    dom::parser parser;
    dom::element root;
    if (parser.parse(body.data(), body.size()).get(root) != simdjson::SUCCESS) {
        return util::unexpected(std::string("The body is not JSON; send a JSON array of strings"));
    }
    dom::array array;
    if (root.get_array().get(array) != simdjson::SUCCESS) {
        return util::unexpected(std::string("The body is not a JSON array of strings"));
    }
    std::vector<std::string> messages;
    for (const auto element : array) {
        std::string_view text;
        if (element.get_string().get(text) != simdjson::SUCCESS) {
            return util::unexpected(std::string("The body is not a JSON array of strings"));
        }
        messages.emplace_back(text);
    }
    return messages;
}

}  // namespace herald::pusher
