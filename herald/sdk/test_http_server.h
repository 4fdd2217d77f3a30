// herald/sdk/test_http_server.h
//
// For the SDK's unit tests: a tiny HTTP/1.1 server on 127.0.0.1 (port chosen by the kernel) on
// its own thread. It records each request (method, target, headers, body, connection number) and
// answers with the next canned reply, keeping connections alive. `silent` makes it accept and
// read but never answer (the timeout test). Stops and joins in its destructor. `local_options`
// points a client at it.
// Owner: one test.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "herald/sdk/options.h"
#include "herald/util/parse.h"

namespace herald::sdk::testing {

inline const std::string kMasterKey = "MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTIzNDU2Nzg5MDE=";  // §7.10 E2

// App 42 (the-key, the-secret) over plain HTTP on 127.0.0.1:`port`, with the master key.
inline Options local_options(std::uint16_t port) {
    Options options;
    options.app_id = "42";
    options.key = "the-key";
    options.secret = "the-secret";
    options.host = "127.0.0.1";
    options.port = port;
    options.use_tls = false;
    options.timeout = std::chrono::milliseconds(5000);
    options.encryption_master_key_base64 = kMasterKey;
    return options;
}

struct RecordedRequest {
    std::string method;
    std::string target;
    std::string head;  // request line and headers, as received
    std::string body;
    int connection = 0;  // 1 for the first accepted connection, 2 for the next...
};

struct CannedReply {
    int status = 200;
    std::string body = "{}";
};

class TestHttpServer {
public:
    explicit TestHttpServer(bool silent = false) : silent_(silent) {
        listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t length = sizeof address;
        ::bind(listener_, reinterpret_cast<sockaddr*>(&address), length);
        ::listen(listener_, 16);
        ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length);
        port_ = ntohs(address.sin_port);
        thread_ = std::thread([this] { run(); });
    }

    ~TestHttpServer() {
        stop_ = true;
        thread_.join();
        for (const int fd : connections_) {
            ::close(fd);
        }
        ::close(listener_);
    }

    TestHttpServer(const TestHttpServer&) = delete;
    TestHttpServer& operator=(const TestHttpServer&) = delete;

    [[nodiscard]] std::uint16_t port() const { return port_; }

    void reply_with(CannedReply reply) {
        const std::lock_guard lock(mutex_);
        replies_.push_back(std::move(reply));
    }

    [[nodiscard]] std::vector<RecordedRequest> requests() const {
        const std::lock_guard lock(mutex_);
        return requests_;
    }

    [[nodiscard]] int accepted() const { return accepted_; }

private:
    struct Pending {
        int fd;
        int number;
        std::string buffer;
    };

    void run() {
        std::vector<Pending> open;
        while (!stop_) {
            std::vector<pollfd> fds{{listener_, POLLIN, 0}};
            for (const Pending& p : open) {
                fds.push_back({p.fd, POLLIN, 0});
            }
            if (::poll(fds.data(), fds.size(), 20) <= 0) {
                continue;
            }
            if ((fds[0].revents & POLLIN) != 0) {
                const int fd = ::accept(listener_, nullptr, nullptr);
                connections_.push_back(fd);
                open.push_back({fd, ++accepted_, {}});
            }
            for (std::size_t i = 1; i < fds.size(); ++i) {
                if ((fds[i].revents & (POLLIN | POLLHUP)) != 0) {
                    read_from(open[i - 1]);
                }
            }
        }
    }

    void read_from(Pending& p) {
        char chunk[4096];
        const ssize_t n = ::recv(p.fd, chunk, sizeof chunk, 0);
        if (n <= 0) {
            return;
        }
        p.buffer.append(chunk, static_cast<std::size_t>(n));
        for (;;) {
            const auto end = p.buffer.find("\r\n\r\n");
            if (end == std::string::npos) {
                return;
            }
            const std::string head = p.buffer.substr(0, end + 4);
            std::size_t length = 0;
            if (const auto at = head.find("Content-Length: "); at != std::string::npos) {
                const auto value_start = at + 16;
                const auto value = std::string_view(head).substr(
                        value_start, head.find("\r\n", value_start) - value_start);
                length = util::parse_integer<std::size_t>(value).value_or(0);
            }
            if (p.buffer.size() < head.size() + length) {
                return;
            }
            RecordedRequest request;
            request.head = head;
            request.method = head.substr(0, head.find(' '));
            const auto target_start = head.find(' ') + 1;
            request.target = head.substr(target_start, head.find(' ', target_start) - target_start);
            request.body = p.buffer.substr(head.size(), length);
            request.connection = p.number;
            p.buffer.erase(0, head.size() + length);
            answer(p.fd, std::move(request));
        }
    }

    void answer(int fd, RecordedRequest request) {
        CannedReply reply;
        {
            const std::lock_guard lock(mutex_);
            requests_.push_back(std::move(request));
            if (!replies_.empty()) {
                reply = replies_.front();
                replies_.pop_front();
            }
        }
        if (silent_) {
            return;
        }
        const std::string text = "HTTP/1.1 " + std::to_string(reply.status) +
                                 " Status\r\nContent-Type: application/json\r\nContent-Length: " +
                                 std::to_string(reply.body.size()) + "\r\n\r\n" + reply.body;
        static_cast<void>(::send(fd, text.data(), text.size(), MSG_NOSIGNAL));
    }

    bool silent_;
    int listener_ = -1;
    std::uint16_t port_ = 0;
    std::atomic<bool> stop_{false};
    std::atomic<int> accepted_{0};
    std::vector<int> connections_;  // server thread only until join
    mutable std::mutex mutex_;
    std::deque<CannedReply> replies_;
    std::vector<RecordedRequest> requests_;
    std::thread thread_;
};

}  // namespace herald::sdk::testing
