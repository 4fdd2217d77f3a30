// herald/client/herald_server.h
//
// Test support: the real `herald serve` binary (the HERALD_BINARY variable of the environment,
// else the build's, the HERALD_BINARY macro) on a loopback port, one app
// (id "app", key "key", secret "secret", client events on), with its log in a temporary
// directory; the port is read from its "herald listening on ws://127.0.0.1:PORT/app/key" line.
// Also a signed REST trigger over a plain blocking socket. Stopped with SIGTERM (the server
// closes its connections with 4200); start() again reuses the port.
// Owner: the test's thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>

#include "tests/support/temp_dir.h"
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "herald/pusher/rest_signature.h"

namespace herald::client::testing {

inline constexpr std::string_view kAppId = "app";
inline constexpr std::string_view kKey = "key";
inline constexpr std::string_view kSecret = "secret";

// The binary to run, or "" when there is none (the tests then skip).
inline std::string herald_binary() {
    const char* from_env = std::getenv("HERALD_BINARY");
    const std::string path = from_env != nullptr ? from_env : HERALD_BINARY;
    return ::access(path.c_str(), X_OK) == 0 ? path : std::string();
}

// Polls `done` every 10 ms for at most `timeout`.
inline bool eventually(const std::function<bool()>& done,
                       std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    const auto end = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < end) {
        if (done()) {
            return true;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return done();
}

class HeraldServer {
public:
    HeraldServer() : dir_("client-test"), binary_(herald_binary()) {
        if (binary_.empty()) {
            throw std::runtime_error("no herald binary");
        }
        start();
    }

    ~HeraldServer() { stop(); }

    HeraldServer(const HeraldServer&) = delete;
    HeraldServer& operator=(const HeraldServer&) = delete;

    // Starts the server on `port_` (0 the first time: any free port).
    void start() {
        const std::string log = dir_ / "log";
        const std::string port = std::to_string(port_);
        const std::string state = dir_ / "state";
        pid_ = ::fork();
        if (pid_ < 0) {
            throw std::runtime_error("fork failed");
        }
        if (pid_ == 0) {
            ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // a crashed test leaves no server behind
            const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
            ::dup2(fd, 2);
            ::execl(binary_.c_str(), binary_.c_str(), "serve", "--host", "127.0.0.1", "--port",
                    port.c_str(), "--app-id", "app", "--app-key", "key", "--app-secret", "secret",
                    "--enable-client-events", "--state-dir", state.c_str(),
                    static_cast<char*>(nullptr));
            ::_exit(127);
        }
        constexpr std::string_view kListening = "herald listening on ws://127.0.0.1:";
        const bool up = eventually([&] {
            std::ifstream in(log);
            std::stringstream text;
            text << in.rdbuf();
            const std::string s = text.str();
            const auto at = s.find(kListening);
            if (at == std::string::npos) {
                return false;
            }
            const auto digits = at + kListening.size();
            const auto end = s.find("/app/key", digits);
            if (end == std::string::npos || end == digits) {
                return false;
            }
            port_ = static_cast<std::uint16_t>(std::stoi(s.substr(digits, end - digits)));
            return true;
        });
        if (!up) {
            throw std::runtime_error("herald serve did not start");
        }
    }

    void stop() {
        if (pid_ <= 0) {
            return;
        }
        ::kill(pid_, SIGTERM);
        int status = 0;
        ::waitpid(pid_, &status, 0);
        pid_ = -1;
    }

    [[nodiscard]] std::uint16_t port() const noexcept { return port_; }

    // POST /apps/app/events, signed (protocol.md §8.2, §8.4); the HTTP status.
    [[nodiscard]] int trigger(std::string_view channel, std::string_view event,
                              std::string_view data) const {
        std::string body = R"({"name":")" + std::string(event) + R"(","channel":")" +
                           std::string(channel) + R"(","data":")";
        for (const char c : data) {
            if (c == '"' || c == '\\') {
                body += '\\';
            }
            body += c;
        }
        body += "\"}";
        const std::string path = "/apps/app/events";
        const auto query =
                pusher::signed_query(kKey, kSecret, "POST", path, {}, body,
                                     std::chrono::duration_cast<std::chrono::seconds>(
                                             std::chrono::system_clock::now().time_since_epoch())
                                             .count());
        const std::string request = "POST " + path + "?" + query +
                                    " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                    "Content-Type: application/json\r\nContent-Length: " +
                                    std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" +
                                    body;
        const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_port = htons(port_);
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        // NOLINTNEXTLINE: the sockets API takes a sockaddr*
        if (::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
            ::close(fd);
            return 0;
        }
        if (::send(fd, request.data(), request.size(), 0) < 0) {
            ::close(fd);
            return 0;
        }
        std::string response;
        char buffer[4096];
        for (ssize_t n = 0; (n = ::recv(fd, buffer, sizeof buffer, 0)) > 0;) {
            response.append(buffer, static_cast<std::size_t>(n));
        }
        ::close(fd);
        // "HTTP/1.1 200 OK"
        return response.size() > 12 ? std::stoi(response.substr(9, 3)) : 0;
    }

private:
    support::TempDir dir_;
    std::string binary_;
    std::uint16_t port_ = 0;
    pid_t pid_ = -1;
};

}  // namespace herald::client::testing
