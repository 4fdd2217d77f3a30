#include "bench/subscribers.h"

#include <algorithm>
#include <cerrno>
#include <utility>

#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace herald::bench {
namespace {

// The sample key of RFC 6455 §1.3 and its accept value: every connection may use the same one.
constexpr std::string_view kKey = "dGhlIHNhbXBsZSBub25jZQ==";
constexpr std::string_view kAccept = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";

std::string subscribe_message(std::string_view channel) {
    return R"({"event":"pusher:subscribe","data":{"channel":")" + std::string(channel) + R"("}})";
}

constexpr std::array<std::uint8_t, 4> kMask = {0x37, 0xFA, 0x21, 0x3D};
constexpr std::uint8_t kOpClose = 0x8;

// A client text frame (FIN, opcode 1, masked as §5.3 requires); `payload` is under 126 bytes.
std::string masked_text_frame(std::string_view payload) {
    std::string frame;
    frame.push_back(static_cast<char>(0x81));
    frame.push_back(static_cast<char>(0x80U | payload.size()));
    for (const std::uint8_t byte : kMask) {
        frame.push_back(static_cast<char>(byte));
    }
    for (std::size_t i = 0; i < payload.size(); ++i) {
        frame.push_back(static_cast<char>(static_cast<std::uint8_t>(payload[i]) ^ kMask[i % 4]));
    }
    return frame;
}

std::size_t header_length(const std::array<std::uint8_t, 14>& h) {
    const std::size_t length7 = h[1] & 0x7FU;
    const std::size_t extended = length7 == 126 ? 2 : length7 == 127 ? 8 : 0;
    return 2 + extended + ((h[1] & 0x80U) != 0 ? 4 : 0);
}

std::uint64_t payload_length(const std::array<std::uint8_t, 14>& h) {
    const std::uint64_t length7 = h[1] & 0x7FU;
    if (length7 < 126) {
        return length7;
    }
    const std::size_t bytes = length7 == 126 ? 2 : 8;
    std::uint64_t length = 0;
    for (std::size_t i = 0; i < bytes; ++i) {
        length = (length << 8U) | h[2 + i];
    }
    return length;
}

}  // namespace

Subscribers::Subscribers(SubscriberOptions options, int epoll, std::size_t capacity)
    : options_(std::move(options)),
      epoll_(epoll),
      subscribe_frame_(masked_text_frame(subscribe_message("bench"))) {
    if (options_.more_keys.empty()) {
        options_.more_keys.push_back(options_.app_key);
    }
    for (const std::string& key : options_.more_keys) {
        const std::string target =
                options_.protocol == Protocol::Pusher
                        ? "/app/" + key + "?protocol=7&client=herald-bench&version=1.0"
                        : "/bench";
        requests_.push_back("GET " + target + " HTTP/1.1\r\nHost: " + options_.host + ":" +
                            std::to_string(options_.port) +
                            "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                            "Sec-WebSocket-Key: " +
                            std::string(kKey) + "\r\nSec-WebSocket-Version: 13\r\n\r\n");
    }
    connections_.reserve(capacity);
}

Subscribers::~Subscribers() {
    for (const Connection& c : connections_) {
        if (c.fd >= 0) {
            close(c.fd);
        }
    }
}

void Subscribers::start_connect() {
    Connection c;
    const auto port = options_.spread.empty()
                              ? options_.port
                              : options_.spread[connections_.size() % options_.spread.size()];
    c.fd = connect_tcp(options_.host, port, epoll_, EPOLLIN | EPOLLOUT, connections_.size(),
                       "subscriber");
    connections_.push_back(std::move(c));
}

void Subscribers::handle(std::uint64_t tag, std::uint32_t events) {
    Connection& c = connections_[tag];
    if (c.stage == Stage::Connecting && (events & EPOLLOUT) != 0) {
        send_request(c, tag);
    }
    if (c.stage != Stage::Connecting && c.stage != Stage::Closed &&
        (events & (EPOLLIN | EPOLLHUP | EPOLLERR)) != 0) {
        receive(c);
    }
}

void Subscribers::record(std::uint64_t from, std::uint64_t to) {
    recording_ = true;
    record_from_ = from;
    record_to_ = to;
}

void Subscribers::send_request(Connection& c, std::uint64_t tag) {
    int error = 0;
    socklen_t size = sizeof error;
    getsockopt(c.fd, SOL_SOCKET, SO_ERROR, &error, &size);
    if (error != 0) {
        errno = error;
        fail("connect");
    }
    const std::string& request = requests_[tag % requests_.size()];
    if (write(c.fd, request.data(), request.size()) != static_cast<ssize_t>(request.size())) {
        fail("handshake request");
    }
    epoll_event event{};
    event.events = EPOLLIN;
    event.data.u64 = tag;
    epoll_ctl(epoll_, EPOLL_CTL_MOD, c.fd, &event);
    c.stage = Stage::Upgrading;
}

// One read per readiness event (level-triggered): a short read means the socket is drained, and
// whatever is left is reported again by the next epoll_wait.
void Subscribers::receive(Connection& c) {
    const ssize_t n = read(c.fd, buffer_.data(), buffer_.size());
    ++reads_;
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
        return;
    }
    if (n <= 0) {
        if (c.stage != Stage::Open) {
            fail("connection closed before the subscription succeeded", n < 0);
        }
        close_connection(c);
        return;
    }
    const std::uint64_t now = recording_ ? clock_nanoseconds(Clock::now()) : 0;
    std::string_view bytes(buffer_.data(), static_cast<std::size_t>(n));
    if (c.stage == Stage::Upgrading) {
        bytes = upgrade(c, bytes);
    }
    if (c.stage != Stage::Upgrading) {
        consume(c, bytes, now);
    }
}

// Collects the response; returns what follows it (frames may arrive in the same read).
std::string_view Subscribers::upgrade(Connection& c, std::string_view bytes) {
    const std::size_t had = c.text.size();
    c.text.append(bytes);
    const std::size_t end = c.text.find("\r\n\r\n");
    if (end == std::string::npos) {
        return {};
    }
    if (!c.text.starts_with("HTTP/1.1 101") || c.text.find(kAccept) == std::string::npos) {
        fail("handshake refused: " + c.text.substr(0, end), false);
    }
    bytes.remove_prefix(end + 4 - had);
    c.text.clear();
    if (options_.protocol == Protocol::Pusher) {
        c.stage = Stage::Establishing;
    } else {
        c.stage = Stage::Open;
        ++open_;
    }
    return bytes;
}

void Subscribers::consume(Connection& c, std::string_view bytes, std::uint64_t now) {
    while (!bytes.empty() && c.stage != Stage::Closed) {
        if (!c.in_payload) {
            read_header(c, bytes);
            if (c.in_payload && c.remaining == 0) {
                end_frame(c, now);
            }
            continue;
        }
        const auto take =
                static_cast<std::size_t>(std::min<std::uint64_t>(c.remaining, bytes.size()));
        if (c.stage != Stage::Open) {
            c.text.append(bytes.substr(0, take));
        } else if (recording_) {
            read_stamp(c, bytes.substr(0, take));
        }
        c.position += take;
        c.remaining -= take;
        bytes.remove_prefix(take);
        if (c.remaining == 0) {
            end_frame(c, now);
        }
    }
}

void Subscribers::read_header(Connection& c, std::string_view& bytes) {
    const auto first = static_cast<std::uint8_t>(bytes[0]);
    if (c.header_size == 0 && bytes.size() >= 2 && static_cast<std::uint8_t>(bytes[1]) < 126) {
        // The common case: a whole short header, unmasked.
        c.header[0] = first;
        c.remaining = static_cast<std::uint8_t>(bytes[1]);
        bytes.remove_prefix(2);
    } else {
        c.header[c.header_size++] = first;
        bytes.remove_prefix(1);
        if (c.header_size < 2 || c.header_size != header_length(c.header)) {
            return;
        }
        c.remaining = payload_length(c.header);
        c.header_size = 0;
    }
    c.opcode = c.header[0] & 0x0FU;
    c.in_payload = true;
    c.position = 0;
    c.stamp = 0;
    c.stamp_ok = true;
}

// Accumulates the stamp's digits from the part of `chunk` that overlaps the stamp's bytes.
void Subscribers::read_stamp(Connection& c, std::string_view chunk) const {
    const std::uint64_t from = std::max<std::uint64_t>(c.position, kStampOffset);
    const std::uint64_t to =
            std::min<std::uint64_t>(c.position + chunk.size(), kStampOffset + kStampDigits);
    for (std::uint64_t at = from; at < to; ++at) {
        const char digit = chunk[at - c.position];
        if (digit < '0' || digit > '9') {
            c.stamp_ok = false;
            return;
        }
        c.stamp = c.stamp * 10 + static_cast<std::uint64_t>(digit - '0');
    }
}

void Subscribers::end_frame(Connection& c, std::uint64_t now) {
    c.in_payload = false;
    if (c.opcode == kOpClose) {
        if (c.stage != Stage::Open) {
            fail("the server closed the connection during the subscription: " + c.text, false);
        }
        close_connection(c);
        return;
    }
    if (c.stage != Stage::Open) {
        pusher_step(c);
        return;
    }
    ++frames_;
    if (recording_ && c.stamp_ok && c.position >= kStampOffset + kStampDigits &&
        c.stamp >= record_from_ && c.stamp < record_to_) {
        samples_.push_back(now - c.stamp);
    }
}

// One whole message of the Pusher handshake in c.text (protocol.md §2.4, §4.4).
void Subscribers::pusher_step(Connection& c) {
    if (c.stage == Stage::Establishing &&
        c.text.find("pusher:connection_established") != std::string::npos && !options_.subscribe) {
        c.stage = Stage::Open;
        ++open_;
    } else if (c.stage == Stage::Establishing &&
               c.text.find("pusher:connection_established") != std::string::npos) {
        const auto index = static_cast<std::size_t>(&c - connections_.data());
        const std::string frame =
                options_.channels > 1
                        ? masked_text_frame(subscribe_message(
                                  "bench-" + std::to_string(index % options_.channels)))
                        : subscribe_frame_;
        if (write(c.fd, frame.data(), frame.size()) != static_cast<ssize_t>(frame.size())) {
            fail("pusher:subscribe");
        }
        c.stage = Stage::Subscribing;
    } else if (c.stage == Stage::Subscribing &&
               c.text.find("pusher_internal:subscription_succeeded") != std::string::npos) {
        c.stage = Stage::Open;
        ++open_;
    } else if (c.text.find("error") != std::string::npos) {
        fail("the server refused the subscription: " + c.text, false);
    }
    std::string().swap(c.text);
}

void Subscribers::close_connection(Connection& c) {
    close(c.fd);
    c.fd = -1;
    c.stage = Stage::Closed;
    ++closed_;
}

}  // namespace herald::bench
