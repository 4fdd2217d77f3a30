#include "herald/webhooks/target.h"

#include <algorithm>

#include "herald/pusher/channel.h"

namespace herald::webhooks {

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

}  // namespace herald::webhooks
