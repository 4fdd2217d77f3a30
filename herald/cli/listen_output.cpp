#include "herald/cli/listen_output.h"

#include <charconv>

#include "herald/sdk/json.h"

namespace herald::cli {

namespace {

bool is_member_event(std::string_view event) {
    return event == "pusher:member_added" || event == "pusher:member_removed";
}

std::optional<sdk::Json> parsed(std::string_view text) {
    try {
        return sdk::Json::parse(text);
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

}  // namespace

util::Result<WebSocketTarget, std::string> parse_ws_url(std::string_view url) {
    const auto bad = [&](std::string_view why) {
        return util::unexpected("--ws-url \"" + std::string(url) + "\": " + std::string(why) +
                                " (expected ws[s]://HOST:PORT/app/KEY)");
    };
    WebSocketTarget target;
    std::string_view rest = url;
    if (rest.starts_with("wss://")) {
        target.tls = true;
        rest.remove_prefix(6);
    } else if (rest.starts_with("ws://")) {
        rest.remove_prefix(5);
    } else {
        return bad("not a ws:// or wss:// URL");
    }
    if (const auto query = rest.find_first_of("?#"); query != std::string_view::npos) {
        rest = rest.substr(0, query);
    }
    const auto slash = rest.find('/');
    if (slash == std::string_view::npos) {
        return bad("no /app/KEY path");
    }
    std::string_view authority = rest.substr(0, slash);
    const std::string_view path = rest.substr(slash);
    const auto app = path.rfind("/app/");
    if (app == std::string_view::npos || app + 5 == path.size() ||
        path.find('/', app + 5) != std::string_view::npos) {
        return bad("no /app/KEY path");
    }
    target.key = std::string(path.substr(app + 5));
    target.path_prefix = std::string(path.substr(0, app));
    std::string_view port_text;
    if (authority.starts_with('[')) {
        const auto close = authority.find(']');
        if (close == std::string_view::npos) {
            return bad("an unclosed [IPv6] host");
        }
        target.host = std::string(authority.substr(1, close - 1));
        const auto after = authority.substr(close + 1);
        if (!after.empty()) {
            if (!after.starts_with(':')) {
                return bad("text after the [IPv6] host");
            }
            port_text = after.substr(1);
        }
    } else {
        const auto colon = authority.rfind(':');
        target.host = std::string(authority.substr(0, colon));
        if (colon != std::string_view::npos) {
            port_text = authority.substr(colon + 1);
        }
    }
    if (target.host.empty()) {
        return bad("no host");
    }
    target.port = target.tls ? 443 : 80;
    if (!port_text.empty() || authority.ends_with(':')) {
        unsigned port = 0;
        const auto [end, ec] =
                std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
        if (ec != std::errc() || end != port_text.data() + port_text.size() || port == 0 ||
            port > 65535) {
            return bad("a port from 1 to 65535");
        }
        target.port = static_cast<std::uint16_t>(port);
    }
    return target;
}

bool is_listened_event(const client::Event& event) {
    if (is_member_event(event.event)) {
        return true;
    }
    return !event.event.starts_with("pusher:") && !event.event.starts_with("pusher_internal:");
}

std::string listen_line(const client::Event& event, bool pretty) {
    if (is_member_event(event.event)) {
        const auto data = parsed(event.data);
        const sdk::Json info = data ? (*data)["user_info"] : sdk::Json();
        const std::string user_id = event.user_id.value_or("");
        if (pretty) {
            return event.channel + "  " + event.event + "  " + user_id + "  " + info.dump() + "\n";
        }
        return sdk::Json::object({{"channel", event.channel},
                                  {"event", event.event},
                                  {"user_id", user_id},
                                  {"user_info", info}})
                       .dump() +
               "\n";
    }
    if (pretty) {
        std::string line = event.channel + "  " + event.event + "  " + event.data;
        if (event.user_id) {
            line += "  (user " + *event.user_id + ")";
        }
        return line + "\n";
    }
    // Watchlist events (online, offline) have no channel.
    auto line = event.channel.empty()
                        ? sdk::Json::object({{"event", event.event}})
                        : sdk::Json::object({{"channel", event.channel}, {"event", event.event}});
    if (auto data = parsed(event.data)) {
        line.set("data", std::move(*data));
    } else {
        line.set("data", event.data);
    }
    if (event.user_id) {
        line.set("user_id", *event.user_id);
    }
    return line.dump() + "\n";
}

}  // namespace herald::cli
