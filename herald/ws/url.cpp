// herald/ws/url.cpp
#include "herald/ws/url.h"

#include <charconv>

#include "herald/util/ascii.h"

namespace herald::ws {
namespace {

// Splits "host[:port]" (host may be "[v6]") into url.host and url.port.
bool parse_authority(std::string_view authority, WsUrl& url) {
    std::string_view port;
    if (authority.starts_with('[')) {
        const std::size_t close = authority.find(']');
        if (close == std::string_view::npos) {
            return false;
        }
        url.host = std::string(authority.substr(1, close - 1));
        const std::string_view rest = authority.substr(close + 1);
        if (!rest.empty() && !rest.starts_with(':')) {
            return false;
        }
        port = rest.empty() ? rest : rest.substr(1);
    } else {
        const std::size_t colon = authority.rfind(':');
        url.host = std::string(authority.substr(0, colon));
        port = colon == std::string_view::npos ? std::string_view{} : authority.substr(colon + 1);
    }
    if (url.host.empty() || url.host.find('@') != std::string::npos) {
        return false;  // userinfo has no meaning for a WebSocket URI
    }
    if (port.empty()) {
        return true;
    }
    unsigned value = 0;
    const auto [end, error] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (error != std::errc{} || end != port.data() + port.size() || value == 0 || value > 65535) {
        return false;
    }
    url.port = static_cast<std::uint16_t>(value);
    return true;
}

}  // namespace

std::optional<WsUrl> parse_ws_url(std::string_view url) {
    WsUrl out;
    const std::size_t scheme_end = url.find("://");
    if (scheme_end == std::string_view::npos) {
        return std::nullopt;
    }
    const std::string scheme = util::to_lower(url.substr(0, scheme_end));
    if (scheme != "ws" && scheme != "wss") {
        return std::nullopt;
    }
    out.secure = scheme == "wss";
    out.port = out.secure ? 443 : 80;
    const std::string_view rest = url.substr(scheme_end + 3);
    if (rest.find('#') != std::string_view::npos) {
        return std::nullopt;
    }
    const std::size_t path_start = rest.find_first_of("/?");
    const std::string_view authority = rest.substr(0, path_start);
    if (!parse_authority(authority, out)) {
        return std::nullopt;
    }
    if (path_start != std::string_view::npos) {
        const std::string_view target = rest.substr(path_start);
        out.target = target.starts_with('?') ? "/" + std::string(target) : std::string(target);
    }
    const bool default_port = out.port == (out.secure ? 443 : 80);
    const bool v6 = out.host.find(':') != std::string::npos;
    out.host_field = v6 ? "[" + out.host + "]" : out.host;
    if (!default_port) {
        out.host_field += ":" + std::to_string(out.port);
    }
    return out;
}

}  // namespace herald::ws
