// herald/ws/url.cpp
#include "herald/ws/url.h"

#include "herald/util/ascii.h"
#include "herald/util/parse.h"

namespace herald::ws {
namespace {

// Splits "host[:port]" (host may be "[v6]") into url.host and url.port. An IPv6 address needs
// its brackets in a URI (RFC 3986 §3.2.2): a bare one is refused.
bool parse_authority(std::string_view text, WsUrl& url) {
    const auto authority = util::split_authority(text);
    if (!authority || (!authority->bracketed && authority->host.find(':') != std::string::npos)) {
        return false;
    }
    url.host = std::string(authority->host);
    if (url.host.empty() || url.host.find('@') != std::string::npos) {
        return false;  // userinfo has no meaning for a WebSocket URI
    }
    if (!authority->port || authority->port->empty()) {
        return true;
    }
    const auto port = util::parse_port(*authority->port);
    if (!port || *port == 0) {
        return false;
    }
    url.port = *port;
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
