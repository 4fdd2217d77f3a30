#include "bench/raw_websocket.h"

#include <algorithm>

#include "herald/util/base64.h"
#include "herald/util/digest.h"

namespace herald::bench {
namespace {

constexpr std::string_view kGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

}  // namespace

std::string text_frame(std::string_view payload) {
    std::string frame;
    frame.push_back(static_cast<char>(0x81));
    if (payload.size() < 126) {
        frame.push_back(static_cast<char>(payload.size()));
    } else {
        frame.push_back(static_cast<char>(126));
        frame.push_back(static_cast<char>(payload.size() >> 8));
        frame.push_back(static_cast<char>(payload.size() & 0xFF));
    }
    frame.append(payload);
    return frame;
}

std::string_view websocket_key(std::string_view request) {
    constexpr std::string_view kName = "sec-websocket-key:";
    for (std::size_t at = request.find("\r\n"); at != std::string_view::npos;
         at = request.find("\r\n", at + 2)) {
        const std::string_view line = request.substr(at + 2, request.find("\r\n", at + 2) - at - 2);
        if (line.size() < kName.size() ||
            !std::equal(kName.begin(), kName.end(), line.begin(),
                        [](char a, char b) { return a == (b | 0x20); })) {
            continue;
        }
        std::string_view value = line.substr(kName.size());
        while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) {
            value.remove_prefix(1);
        }
        while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) {
            value.remove_suffix(1);
        }
        return value;
    }
    return {};
}

HandshakeRead read_handshake(std::string& request, std::string_view bytes) {
    request.append(bytes);
    if (request.find("\r\n\r\n") != std::string::npos) {
        return HandshakeRead::Complete;
    }
    return request.size() > kMaxHandshakeBytes ? HandshakeRead::TooLong : HandshakeRead::More;
}

std::string switching_protocols(std::string_view key) {
    return "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
           "Connection: Upgrade\r\nSec-WebSocket-Accept: " +
           util::base64_encode(util::sha1(std::string(key) + std::string(kGuid))) + "\r\n\r\n";
}

}  // namespace herald::bench
