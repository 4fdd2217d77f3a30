#include "herald/ws/close_code.h"

namespace herald::ws {

bool is_valid_wire_close_code(std::uint16_t code) noexcept {
    // RFC 6455 §7.4.1 defines 1000-1015; 1004 is reserved and 1005, 1006 and 1015 must never be
    // sent. 1012-1014 were registered later with IANA. 3000-3999 are registered by libraries and
    // frameworks, 4000-4999 are private use (§7.4.2).
    if (code >= 1000 && code <= 1003) {
        return true;
    }
    if (code >= 1007 && code <= 1014) {
        return true;
    }
    return code >= 3000 && code <= 4999;
}

std::string_view describe(std::uint16_t code) noexcept {
    switch (code) {
        case 1000:
            return "normal closure";
        case 1001:
            return "going away";
        case 1002:
            return "protocol error";
        case 1003:
            return "unsupported data";
        case 1005:
            return "no status code";
        case 1006:
            return "abnormal closure";
        case 1007:
            return "invalid payload data";
        case 1008:
            return "policy violation";
        case 1009:
            return "message too big";
        case 1010:
            return "mandatory extension";
        case 1011:
            return "internal error";
        case 1012:
            return "service restart";
        case 1013:
            return "try again later";
        case 1014:
            return "bad gateway";
        case 1015:
            return "TLS handshake failure";
        default:
            break;
    }
    if (code >= 3000 && code <= 3999) {
        return "registered code";
    }
    if (code >= 4000 && code <= 4999) {
        return "application code";
    }
    return "unknown code";
}

}  // namespace herald::ws
