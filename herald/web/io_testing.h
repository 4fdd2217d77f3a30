// herald/web/io_testing.h
//
// Helpers for the ws_io integration tests: a recorder of WebSocket events that a test thread can
// wait on, and a raw blocking TCP client (POSIX sockets with poll timeouts) that speaks bytes and
// frames directly, to play a misbehaving or silent peer. Test code only.
// Owner: the test thread (the recorder is filled from workers under its mutex).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "herald/util/base64.h"
#include "herald/web/websocket.h"
#include "herald/ws/decoder.h"
#include "herald/ws/frame.h"

namespace herald::web::testing {

using namespace std::chrono_literals;

struct Event {
    std::string kind;  // open, text, binary, close, error
    std::string data;  // message payload, close reason or error text
    std::uint16_t code = 0;
};

class Recorder {
public:
    void push(Event event) {
        // Notified under the lock: a waiter that got its event cannot destroy the recorder while
        // this call still touches it.
        std::lock_guard lock(mutex_);
        events_.push_back(std::move(event));
        changed_.notify_all();
    }

    // The next event not yet taken, waiting up to `timeout`.
    std::optional<Event> next(std::chrono::milliseconds timeout = 5s) {
        std::unique_lock lock(mutex_);
        if (!changed_.wait_for(lock, timeout, [&] { return taken_ < events_.size(); })) {
            return std::nullopt;
        }
        return events_[taken_++];
    }

    // Skips events until one of `kind` arrives.
    std::optional<Event> next_of(std::string_view kind, std::chrono::milliseconds timeout = 5s) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (true) {
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                    deadline - std::chrono::steady_clock::now());
            auto event = next(std::max(left, 0ms));
            if (!event || event->kind == kind) {
                return event;
            }
        }
    }

    [[nodiscard]] std::size_t count(std::string_view kind) {
        std::lock_guard lock(mutex_);
        std::size_t n = 0;
        for (const auto& e : events_) {
            n += e.kind == kind ? 1 : 0;
        }
        return n;
    }

private:
    std::mutex mutex_;
    std::condition_variable changed_;
    std::vector<Event> events_;
    std::size_t taken_ = 0;
};

// Installs handlers on `socket` that push every event to `recorder`.
inline void record(WebSocket& socket, Recorder& recorder) {
    socket.on_open([&recorder] { recorder.push({"open", "", 0}); });
    socket.on_message([&recorder](const Message& m) {
        recorder.push({m.binary ? "binary" : "text", std::string(m.data), 0});
    });
    socket.on_close([&recorder](std::uint16_t code, std::string_view reason) {
        recorder.push({"close", std::string(reason), code});
    });
    socket.on_error([&recorder](std::string_view text) {
        recorder.push({"error", std::string(text), 0});
    });
}

struct RawFrame {
    ws::Opcode opcode = ws::Opcode::Text;
    std::string payload;
    std::uint16_t code = 0;  // close frames
};

class RawClient {
public:
    explicit RawClient(std::uint16_t port, int receive_buffer = 0) {
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        if (receive_buffer > 0) {
            ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof receive_buffer);
        }
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_port = htons(port);
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (::connect(fd_, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
            throw std::runtime_error("raw connect failed");
        }
    }

    ~RawClient() { ::close(fd_); }

    RawClient(const RawClient&) = delete;
    RawClient& operator=(const RawClient&) = delete;

    void send(std::string_view bytes) {
        while (!bytes.empty()) {
            const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
            if (n <= 0) {
                throw std::runtime_error("raw send failed");
            }
            bytes.remove_prefix(static_cast<std::size_t>(n));
        }
    }

    // Some bytes; "" at end of stream or error; nullopt after `timeout` with nothing.
    std::optional<std::string> read_some(std::chrono::milliseconds timeout = 5s) {
        if (!buffered_.empty()) {
            return std::exchange(buffered_, std::string());
        }
        pollfd p{fd_, POLLIN, 0};
        if (::poll(&p, 1, static_cast<int>(timeout.count())) <= 0) {
            return std::nullopt;
        }
        char chunk[16384];
        const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
        return n <= 0 ? std::string() : std::string(chunk, static_cast<std::size_t>(n));
    }

    // Everything up to and including `delimiter` (the rest stays buffered); nullopt on timeout
    // or end of stream.
    std::optional<std::string> read_until(std::string_view delimiter,
                                          std::chrono::milliseconds timeout = 5s) {
        std::string data = std::exchange(buffered_, std::string());
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (data.find(delimiter) == std::string::npos) {
            auto more = read_some(left(deadline));
            if (!more || more->empty()) {
                return std::nullopt;
            }
            data += *more;
        }
        const std::size_t end = data.find(delimiter) + delimiter.size();
        buffered_ = data.substr(end);
        return data.substr(0, end);
    }

    // True when the server closes the connection within `timeout` (data before that is dropped).
    bool wait_closed(std::chrono::milliseconds timeout = 5s) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        buffered_.clear();
        while (true) {
            auto more = read_some(left(deadline));
            if (!more) {
                return false;
            }
            if (more->empty()) {
                return true;
            }
        }
    }

    // Sends an upgrade request and returns the response head.
    std::optional<std::string> handshake(std::string_view target = "/",
                                         std::string_view extra_fields = "") {
        send("GET " + std::string(target) +
             " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
             "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n" +
             std::string(extra_fields) + "\r\n");
        return read_until("\r\n\r\n");
    }

    // A masked client frame.
    void send_frame(ws::Opcode opcode, std::string_view payload, bool fin = true) {
        const ws::MaskKey mask{0x12, 0x34, 0x56, 0x78};
        send(ws::encode_frame(opcode, payload, fin, false, &mask));
    }

    // The next whole frame from the server; nullopt on timeout or end of stream.
    std::optional<RawFrame> read_frame(std::chrono::milliseconds timeout = 5s) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (true) {
            if (!pending_.empty()) {
                std::string input = std::exchange(pending_, std::string());
                const ws::DecodeEvent event =
                        decoder_.decode(std::span<char>(input.data(), input.size()));
                pending_ = input.substr(event.used_bytes);
                if (auto frame = to_frame(event)) {
                    return frame;
                }
            }
            auto more = read_some(left(deadline));
            if (!more || more->empty()) {
                return std::nullopt;
            }
            pending_ += *more;
        }
    }

    [[nodiscard]] int fd() const noexcept { return fd_; }

private:
    static std::chrono::milliseconds left(std::chrono::steady_clock::time_point deadline) {
        return std::max(0ms, std::chrono::duration_cast<std::chrono::milliseconds>(
                                     deadline - std::chrono::steady_clock::now()));
    }

    static std::optional<RawFrame> to_frame(const ws::DecodeEvent& event) {
        using Kind = ws::DecodeEvent::Kind;
        switch (event.kind) {
            case Kind::Message:
                return RawFrame{event.opcode, std::string(event.payload), 0};
            case Kind::Ping:
                return RawFrame{ws::Opcode::Ping, std::string(event.payload), 0};
            case Kind::Pong:
                return RawFrame{ws::Opcode::Pong, std::string(event.payload), 0};
            case Kind::Close:
                return RawFrame{ws::Opcode::Close, std::string(event.payload), event.code};
            default:
                return std::nullopt;
        }
    }

    static ws::DecoderOptions client_decoder() {
        ws::DecoderOptions options;
        options.role = ws::Role::Client;
        return options;
    }

    int fd_ = -1;
    std::string buffered_;
    std::string pending_;
    ws::FrameDecoder decoder_{client_decoder()};
};

}  // namespace herald::web::testing
