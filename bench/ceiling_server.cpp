// bench/ceiling_server.cpp
//
// The ceiling of the fan-out benchmark: the least work one thread can do to deliver a pre-built
// WebSocket frame to many connections. Raw epoll (edge-triggered), a minimal opening handshake
// (RFC 6455 §4.2.2: the 101 with the accept key and nothing else), then rounds of the same frame
// written with writev, several queued copies per socket per call when the socket was backlogged.
// A socket that returns EAGAIN keeps a pending count and is resumed on EPOLLOUT. No herald::ws.
// With --rate, rounds start at most that many times a second and each writes the steady clock
// into the frame (the latency stamp of bench_support.h) just before it is sent. With --triggered
// a round starts when an HTTP POST arrives instead (the publisher of bench_pusher_load): the
// least a REST-triggered fan-out can do, which reads the request, copies the publisher's stamp
// from its body into the frame, answers 200 and closes, with no signature, JSON or framing work.
// Owner: the program's one thread.
#include <algorithm>
#include <array>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "bench/bench_support.h"
#include "bench/ceiling_rounds.h"
#include "bench/raw_websocket.h"
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

namespace herald::bench {
namespace {

constexpr std::string_view kUsage =
        "bench_ceiling [--host 127.0.0.1] [--port 0] [--connections N] [--burst 1]\n"
        "              [--max-unsent-bytes 0] [--payload-bytes 100]\n"
        "              [--rate ROUNDS_PER_SEC | --triggered 1]";
constexpr int kListenTag = -1;

struct Connection {
    bool open = false;
    bool upgraded = false;
    bool writable = true;     // false after EAGAIN or a short write, until EPOLLOUT
    std::size_t pending = 0;  // whole frames queued, the first possibly partly written
    std::size_t offset = 0;   // bytes of the first pending frame already written
    std::string request;      // the handshake request, until it is answered
};

class Server {
public:
    Server(const Options& options, RoundPolicy policy)
        : policy_(policy),
          triggered_(options.count("triggered", 0) != 0),
          frame_(text_frame(bench_payload(policy.payload_bytes))),
          clock_(options, policy),
          connections_(raise_fd_limit(policy.connections + 64)),
          open_(connections_.size()) {
        listener_ = listen_tcp(options.text("host", "127.0.0.1"),
                               static_cast<std::uint16_t>(options.count("port", 0)));
        epoll_ = epoll_create1(EPOLL_CLOEXEC);
        epoll_event event{};
        event.events = EPOLLIN;
        event.data.fd = kListenTag;
        if (epoll_ < 0 || epoll_ctl(epoll_, EPOLL_CTL_ADD, listener_, &event) != 0) {
            fail("epoll");
        }
    }

    void run() {
        announce("listening " + std::to_string(local_port(listener_)));
        while (!stop_requested()) {
            const bool go = clock_.broadcasting(open_.size()) &&
                            (triggered_ ? triggers_ > 0 : clock_.due()) && may_start_round();
            if (go) {
                triggers_ -= triggered_ ? 1 : 0;
                round();
            }
            poll(go ? 0 : wait_ms());
        }
        std::fprintf(stderr, "ceiling: rounds=%zu gated=%zu eagain=%zu writes=%zu open=%zu\n",
                     rounds_, gated_, eagain_, writes_, open_.size());
    }

private:
    // How long poll() may sleep: until the next paced round, at most 100 ms.
    [[nodiscard]] int wait_ms() const {
        return static_cast<int>(
                std::chrono::duration_cast<std::chrono::milliseconds>(clock_.wait()).count());
    }

    [[nodiscard]] bool may_start_round() {
        for (const int fd : open_.fds()) {
            const Connection& c = connections_[static_cast<std::size_t>(fd)];
            if (c.pending * frame_.size() - c.offset > policy_.max_unsent_bytes) {
                ++gated_;
                return false;
            }
        }
        return true;
    }

    void round() {
        ++rounds_;
        clock_.start_round(frame_);
        for (const int fd : open_.fds()) {
            Connection& c = connections_[static_cast<std::size_t>(fd)];
            c.pending += policy_.burst;
            if (c.writable) {
                flush(fd, c);
            }
        }
        close_dead();
    }

    // One writev per call of up to IOV_MAX copies of the frame; stops at EAGAIN or a short write.
    void flush(int fd, Connection& c) {
        while (c.pending > 0) {
            const std::size_t count = std::min<std::size_t>(c.pending, iov_.size());
            for (std::size_t i = 0; i < count; ++i) {
                iov_[i].iov_base = const_cast<char*>(frame_.data());
                iov_[i].iov_len = frame_.size();
            }
            iov_[0].iov_base = const_cast<char*>(frame_.data() + c.offset);
            iov_[0].iov_len = frame_.size() - c.offset;
            const std::size_t wanted = count * frame_.size() - c.offset;
            ++writes_;
            const ssize_t n = writev(fd, iov_.data(), static_cast<int>(count));
            if (n < 0) {
                if (errno == EAGAIN) {
                    ++eagain_;
                    c.writable = false;
                } else if (errno != EINTR) {
                    dead_.push_back(fd);
                }
                return;
            }
            const std::size_t done = c.offset + static_cast<std::size_t>(n);
            c.pending -= done / frame_.size();
            c.offset = done % frame_.size();
            if (static_cast<std::size_t>(n) < wanted) {
                c.writable = false;
                return;
            }
        }
    }

    void poll(int timeout_ms) {
        const int n =
                epoll_wait(epoll_, events_.data(), static_cast<int>(events_.size()), timeout_ms);
        for (int i = 0; i < n; ++i) {
            const int fd = events_[static_cast<std::size_t>(i)].data.fd;
            const std::uint32_t what = events_[static_cast<std::size_t>(i)].events;
            if (fd == kListenTag) {
                accept_all();
                continue;
            }
            Connection& c = connections_[static_cast<std::size_t>(fd)];
            if (!c.open) {
                continue;
            }
            if ((what & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) != 0) {
                readable(fd, c);
            }
            if ((what & EPOLLOUT) != 0 && c.open && c.upgraded) {
                c.writable = true;
                flush(fd, c);
            }
        }
        close_dead();
    }

    void accept_all() {
        for (;;) {
            const int fd = accept4(listener_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
            if (fd < 0) {
                return;
            }
            if (static_cast<std::size_t>(fd) >= connections_.size()) {
                close(fd);
                continue;
            }
            // As Herald's streams do: a realtime message leaves at once, not held back by Nagle's
            // algorithm to coalesce with the next one (which would make the ceiling do less).
            const int one = 1;
            setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
            connections_[static_cast<std::size_t>(fd)] = Connection{};
            connections_[static_cast<std::size_t>(fd)].open = true;
            epoll_event event{};
            event.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
            event.data.fd = fd;
            epoll_ctl(epoll_, EPOLL_CTL_ADD, fd, &event);
        }
    }

    // Before the upgrade: collect the request and answer it. After: discard what the client
    // sends (it sends nothing but a close) and notice the end of the stream.
    void readable(int fd, Connection& c) {
        for (;;) {
            const ssize_t n = read(fd, buffer_.data(), buffer_.size());
            if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
                dead_.push_back(fd);
                return;
            }
            if (n < 0) {
                return;
            }
            if (!c.upgraded) {
                const auto read =
                        read_handshake(c.request, {buffer_.data(), static_cast<std::size_t>(n)});
                if (read == HandshakeRead::Complete && triggered_ &&
                    c.request.starts_with("POST ")) {
                    if (trigger(fd, c)) {
                        return;
                    }
                } else if (read == HandshakeRead::Complete) {
                    upgrade(fd, c);
                } else if (read == HandshakeRead::TooLong) {
                    dead_.push_back(fd);
                    return;
                }
            }
        }
    }

    void upgrade(int fd, Connection& c) {
        const std::string_view key = websocket_key(c.request);
        const std::string response = switching_protocols(key);
        std::string().swap(c.request);
        if (key.empty() ||
            write(fd, response.data(), response.size()) != static_cast<ssize_t>(response.size())) {
            dead_.push_back(fd);
            return;
        }
        c.upgraded = true;
        open_.add(fd);
    }

    // A publisher's POST: once its body is in, copies the stamp at the start of its "data"
    // string into the frame, answers and closes. Returns true when the connection is done.
    bool trigger(int fd, Connection& c) {
        constexpr std::string_view kLength = "Content-Length: ";
        constexpr std::string_view kData = R"("data":")";
        const std::size_t body = c.request.find("\r\n\r\n") + 4;
        const std::size_t length_at = c.request.find(kLength);
        if (length_at == std::string::npos || length_at > body) {
            dead_.push_back(fd);
            return true;
        }
        const std::size_t length =
                std::strtoul(c.request.c_str() + length_at + kLength.size(), nullptr, 10);
        if (c.request.size() < body + length) {
            return false;  // the rest of the body comes with the next read
        }
        const std::size_t data = c.request.find(kData, body);
        if (data != std::string::npos && data + kData.size() + kStampDigits <= body + length) {
            const std::size_t payload_at = frame_.size() - policy_.payload_bytes;
            c.request.copy(frame_.data() + payload_at + kStampOffset, kStampDigits,
                           data + kData.size());
            ++triggers_;
        }
        constexpr std::string_view kAnswer =
                "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}";
        if (write(fd, kAnswer.data(), kAnswer.size()) < 0) {
            ++eagain_;  // the publisher then fails on its own
        }
        dead_.push_back(fd);
        return true;
    }

    void close_dead() {
        for (const int fd : dead_) {
            Connection& c = connections_[static_cast<std::size_t>(fd)];
            if (!c.open) {
                continue;
            }
            open_.remove(fd);
            c = Connection{};
            close(fd);
        }
        dead_.clear();
    }

    RoundPolicy policy_;
    bool triggered_ = false;    // rounds start on a publisher's POST, not on the clock
    std::size_t triggers_ = 0;  // POSTs whose round has not started yet
    std::string frame_;
    RoundClock clock_;
    int listener_ = -1;
    int epoll_ = -1;
    std::vector<Connection> connections_;  // indexed by fd
    OpenSockets open_;                     // the upgraded connections
    std::vector<int> dead_;                // fds to close once the current walk is over
    std::array<iovec, IOV_MAX> iov_{};
    std::array<epoll_event, 1024> events_{};
    std::array<char, 16384> buffer_{};
    std::size_t rounds_ = 0;
    std::size_t gated_ = 0;
    std::size_t eagain_ = 0;
    std::size_t writes_ = 0;
};

int run(int argc, char** argv) {
    const Options options(argc, argv, kUsage);
    install_signal_handlers();
    Server server(options, round_policy(options));
    server.run();
    return 0;
}

}  // namespace
}  // namespace herald::bench

int main(int argc, char** argv) {
    return herald::bench::run(argc, argv);
}
