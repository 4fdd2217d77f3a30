#include "herald/webhooks/target.h"

#include <algorithm>
#include <array>

#include "herald/pusher/channel.h"
#include "herald/util/ascii.h"

namespace herald::webhooks {

namespace {

constexpr std::size_t kMaxHeaderName = 256;
constexpr std::size_t kMaxHeaderValue = 4096;

// Herald's own headers (a receiver must be able to trust X-Pusher-Key and X-Pusher-Signature) and
// those that frame the request, which libcurl writes from the body it sends.
constexpr std::array<std::string_view, 8> kReservedHeaders = {
        "Content-Type",       "Content-Length",    "Host",   "X-Pusher-Key",
        "X-Pusher-Signature", "Transfer-Encoding", "Expect", "Connection"};

// RFC 9110 §5.6.2: tchar.
bool token_char(char c) noexcept {
    const auto u = static_cast<unsigned char>(c);
    return (u >= '0' && u <= '9') || (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') ||
           std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

// RFC 9110 §5.5: VCHAR, SP, HTAB and obs-text; never CR, LF, NUL or another control character.
bool value_char(char c) noexcept {
    const auto u = static_cast<unsigned char>(c);
    return u == '\t' || (u >= 0x20 && u != 0x7F);
}

}  // namespace

bool Target::wants(const Event& event) const noexcept {
    if (event.channel.starts_with(pusher::kServerToUserPrefix)) {
        return false;
    }
    if (!event_types.empty() &&
        std::find(event_types.begin(), event_types.end(), event.type) == event_types.end()) {
        return false;
    }
    return event.channel.starts_with(channel_prefix);
}

bool valid_target_url(std::string_view url) noexcept {
    std::string_view rest;
    if (url.starts_with("http://")) {
        rest = url.substr(7);
    } else if (url.starts_with("https://")) {
        rest = url.substr(8);
    } else {
        return false;
    }
    if (rest.empty() || rest.front() == '/') {
        return false;
    }
    return std::none_of(url.begin(), url.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return u <= 0x20 || u == 0x7F;
    });
}

std::optional<std::string> header_problem(const Header& header, const std::vector<Header>& before) {
    const auto& name = header.name;
    if (name.empty() || name.size() > kMaxHeaderName ||
        !std::all_of(name.begin(), name.end(), token_char)) {
        // Shown with what could break a log line replaced: the name is not trusted yet.
        std::string shown = name.substr(0, 64);
        std::replace_if(
                shown.begin(), shown.end(),
                [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7F; }, '?');
        return "header name \"" + shown +
               "\" is not an HTTP token (letters, digits and !#$%&'*+-.^_`|~)";
    }
    for (const auto reserved : kReservedHeaders) {
        if (util::iequals(name, reserved)) {
            return "header " + name + " is set by Herald and cannot be replaced";
        }
    }
    if (std::any_of(before.begin(), before.end(),
                    [&](const Header& other) { return util::iequals(other.name, name); })) {
        return "header " + name + " is given twice";
    }
    if (header.value.size() > kMaxHeaderValue) {
        return "header " + name + " is longer than " + std::to_string(kMaxHeaderValue) + " bytes";
    }
    if (!std::all_of(header.value.begin(), header.value.end(), value_char)) {
        return "header " + name + " has a control character (CR, LF, NUL ...) in its value";
    }
    return std::nullopt;
}

}  // namespace herald::webhooks
