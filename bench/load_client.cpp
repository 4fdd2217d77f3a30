// bench/load_client.cpp
//
// The load side of the fan-out benchmark, one thread on raw epoll: opens N WebSocket connections
// to host:port (a few hundred handshakes in flight at a time, so the server's accept queue never
// overflows), announces "ready N", then either counts the frames it receives and reports delivered
// messages per second over a window after a warm-up (--mode count), or just holds the idle
// connections until --hold seconds pass or SIGTERM (--mode idle). Server frames are unmasked, so
// counting needs only each frame's 2..10-byte header (RFC 6455 §5.2); payloads are skipped.
// Owner: the program's one thread.
#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "bench/bench_support.h"
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace herald::bench {
namespace {

constexpr std::string_view kUsage =
        "bench_load_client --port P [--host 127.0.0.1] [--connections 5000] [--mode count|idle]\n"
        "                  [--warmup 1] [--duration 3] [--hold 60] [--in-flight 256]\n"
        "                  [--connect-timeout 30] [--rcvlowat 1] [--server-pid PID]";
// The sample key of RFC 6455 §1.3 and its accept value: every connection may use the same one.
constexpr std::string_view kKey = "dGhlIHNhbXBsZSBub25jZQ==";
constexpr std::string_view kAccept = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";

enum class Stage : std::uint8_t {
    Connecting,
    Upgrading,
    Open,
    Closed
};

struct Connection {
    int fd = -1;
    Stage stage = Stage::Connecting;
    std::uint8_t header_size = 0;  // bytes of a split frame header held in `header`
    std::array<std::uint8_t, 14> header{};
    std::uint64_t skip = 0;  // payload bytes of the current frame still to come
    std::string response;    // the handshake response, until it is complete
};

class Client {
public:
    explicit Client(const Options& options)
        : host_(options.text("host", "127.0.0.1")),
          port_(static_cast<std::uint16_t>(options.count("port", 0))),
          wanted_(options.count("connections", 5000)),
          in_flight_(options.count("in-flight", 256)),
          rcvlowat_(options.count("rcvlowat", 1)),
          server_pid_(options.count("server-pid", 0)),
          connect_timeout_(options.seconds("connect-timeout", 30)) {
        if (port_ == 0) {
            fail(kUsage, false);
        }
        raise_fd_limit(wanted_ + 64);
        epoll_ = epoll_create1(EPOLL_CLOEXEC);
        if (epoll_ < 0) {
            fail("epoll_create1");
        }
        request_ = "GET /bench HTTP/1.1\r\nHost: " + host_ + ":" + std::to_string(port_) +
                   "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " +
                   std::string(kKey) + "\r\nSec-WebSocket-Version: 13\r\n\r\n";
        connections_.reserve(wanted_);
    }

    void connect_all() {
        const auto deadline = Clock::now() + std::chrono::duration<double>(connect_timeout_);
        while (open_ < wanted_) {
            while (connections_.size() < wanted_ && connections_.size() - open_ < in_flight_) {
                start_connect();
            }
            poll(100);
            if (Clock::now() > deadline || stop_requested()) {
                fail("connected " + std::to_string(open_) + " of " + std::to_string(wanted_) +
                             " before the deadline",
                     false);
            }
        }
        announce("ready " + std::to_string(open_));
    }

    // Busy-polls (epoll_wait with a zero timeout): a client that never sleeps is never woken, so
    // the server's writes do not pay for cross-CPU wake-ups that a remote client would not cost.
    void count(double warmup, double duration) {
        run_for(warmup, 0);
        const std::uint64_t frames_before = frames_;
        const std::uint64_t reads_before = reads_;
        const double server_cpu_before = server_cpu_seconds();
        const auto start = Clock::now();
        run_for(duration, 0);
        const double elapsed = seconds_between(start, Clock::now());
        const double server_cpu = server_cpu_seconds() - server_cpu_before;
        const auto frames = static_cast<double>(frames_ - frames_before);
        const auto reads = static_cast<double>(reads_ - reads_before);
        std::printf(
                "msgs_per_sec %.0f frames %.0f seconds %.3f connections %zu closed %zu "
                "frames_per_read %.2f server_cpu %.3f msgs_per_server_cpu_sec %.0f\n",
                frames / elapsed, frames, elapsed, wanted_, closed_,
                reads > 0 ? frames / reads : 0.0, server_cpu / elapsed,
                server_cpu > 0 ? frames / server_cpu : 0.0);
        std::fflush(stdout);
    }

    void hold(double seconds) { run_for(seconds, 50); }

private:
    void run_for(double seconds, int timeout_ms) {
        const auto end = Clock::now() + std::chrono::duration<double>(seconds);
        while (!stop_requested() && Clock::now() < end) {
            poll(timeout_ms);
        }
    }

    [[nodiscard]] double server_cpu_seconds() const { return process_cpu_seconds(server_pid_); }

    void start_connect() {
        Connection c;
        c.fd = connect_tcp(host_, port_, epoll_, EPOLLIN | EPOLLOUT, connections_.size(), "client");
        connections_.push_back(std::move(c));
    }

    void poll(int timeout_ms) {
        const int n =
                epoll_wait(epoll_, events_.data(), static_cast<int>(events_.size()), timeout_ms);
        for (int i = 0; i < n; ++i) {
            const epoll_event& event = events_[static_cast<std::size_t>(i)];
            Connection& c = connections_[event.data.u64];
            if (c.stage == Stage::Connecting && (event.events & EPOLLOUT) != 0) {
                send_request(c, event.data.u64);
            }
            if (c.stage != Stage::Connecting && c.stage != Stage::Closed &&
                (event.events & (EPOLLIN | EPOLLHUP | EPOLLERR)) != 0) {
                receive(c);
            }
        }
    }

    void send_request(Connection& c, std::uint64_t tag) {
        int error = 0;
        socklen_t size = sizeof error;
        getsockopt(c.fd, SOL_SOCKET, SO_ERROR, &error, &size);
        if (error != 0) {
            errno = error;
            fail("connect");
        }
        if (write(c.fd, request_.data(), request_.size()) !=
            static_cast<ssize_t>(request_.size())) {
            fail("handshake request");
        }
        epoll_event event{};
        event.events = EPOLLIN;
        event.data.u64 = tag;
        epoll_ctl(epoll_, EPOLL_CTL_MOD, c.fd, &event);
        c.stage = Stage::Upgrading;
    }

    // One read per readiness event (level-triggered): a short read means the socket is drained,
    // and whatever is left is reported again by the next epoll_wait.
    void receive(Connection& c) {
        const ssize_t n = read(c.fd, buffer_.data(), buffer_.size());
        ++reads_;
        if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
            return;
        }
        if (n <= 0) {
            if (c.stage == Stage::Upgrading) {
                fail("connection closed during the handshake", n < 0);
            }
            close(c.fd);
            c.stage = Stage::Closed;
            ++closed_;
            return;
        }
        std::string_view bytes(buffer_.data(), static_cast<std::size_t>(n));
        if (c.stage == Stage::Upgrading) {
            bytes = upgrade(c, bytes);
        }
        if (c.stage == Stage::Open) {
            count_frames(c, bytes);
        }
    }

    // Collects the response; returns what follows it (frames may arrive in the same read).
    std::string_view upgrade(Connection& c, std::string_view bytes) {
        const std::size_t had = c.response.size();
        c.response.append(bytes);
        const std::size_t end = c.response.find("\r\n\r\n");
        if (end == std::string::npos) {
            return {};
        }
        if (!c.response.starts_with("HTTP/1.1 101") ||
            c.response.find(kAccept) == std::string::npos) {
            fail("handshake refused: " + c.response.substr(0, end), false);
        }
        bytes.remove_prefix(end + 4 - had);
        std::string().swap(c.response);
        if (rcvlowat_ > 1) {
            const int lowat = static_cast<int>(rcvlowat_);
            setsockopt(c.fd, SOL_SOCKET, SO_RCVLOWAT, &lowat, sizeof lowat);
        }
        c.stage = Stage::Open;
        ++open_;
        return bytes;
    }

    void count_frames(Connection& c, std::string_view bytes) {
        while (!bytes.empty()) {
            if (c.skip > 0) {
                const auto take =
                        static_cast<std::size_t>(std::min<std::uint64_t>(c.skip, bytes.size()));
                c.skip -= take;
                bytes.remove_prefix(take);
                continue;
            }
            const auto length7 = static_cast<std::uint8_t>(bytes.size() > 1 ? bytes[1] : 0xFF);
            if (c.header_size == 0 && length7 < 126) {
                // The common case: a whole short header, unmasked (server frames, §5.1).
                c.skip = length7;
                bytes.remove_prefix(2);
                ++frames_;
                continue;
            }
            c.header[c.header_size++] = static_cast<std::uint8_t>(bytes.front());
            bytes.remove_prefix(1);
            if (c.header_size >= 2 && c.header_size == header_length(c.header)) {
                c.skip = payload_length(c.header);
                c.header_size = 0;
                ++frames_;
            }
        }
    }

    static std::size_t header_length(const std::array<std::uint8_t, 14>& h) {
        const std::size_t length7 = h[1] & 0x7FU;
        const std::size_t extended = length7 == 126 ? 2 : length7 == 127 ? 8 : 0;
        return 2 + extended + ((h[1] & 0x80U) != 0 ? 4 : 0);
    }

    static std::uint64_t payload_length(const std::array<std::uint8_t, 14>& h) {
        const std::uint64_t length7 = h[1] & 0x7FU;
        if (length7 < 126) {
            return length7;
        }
        const std::size_t bytes = length7 == 126 ? 2 : 8;
        std::uint64_t length = 0;
        for (std::size_t i = 0; i < bytes; ++i) {
            length = (length << 8) | h[2 + i];
        }
        return length;
    }

    std::string host_;
    std::uint16_t port_;
    std::size_t wanted_;
    std::size_t in_flight_;
    std::size_t rcvlowat_;
    std::size_t server_pid_;
    double connect_timeout_;
    int epoll_ = -1;
    std::string request_;
    std::vector<Connection> connections_;
    std::size_t open_ = 0;
    std::size_t closed_ = 0;
    std::uint64_t frames_ = 0;
    std::uint64_t reads_ = 0;
    std::array<epoll_event, 1024> events_{};
    std::array<char, 65536> buffer_{};
};

int run(int argc, char** argv) {
    const Options options(argc, argv, kUsage);
    install_signal_handlers();
    Client client(options);
    client.connect_all();
    if (options.text("mode", "count") == "idle") {
        client.hold(options.seconds("hold", 60));
    } else {
        client.count(options.seconds("warmup", 1), options.seconds("duration", 3));
    }
    return 0;
}

}  // namespace
}  // namespace herald::bench

int main(int argc, char** argv) {
    return herald::bench::run(argc, argv);
}
