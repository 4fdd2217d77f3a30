// tests/support/redis_server.h
//
// A real redis-server for tests: started on a free 127.0.0.1 port with persistence off
// (--save "" --appendonly no), killed when the object goes. It can be paused (SIGSTOP), resumed
// and restarted empty on the same port, for the outage tests. Tests that need it fail when
// redis-server is not installed (scripts/install-deps.sh installs it). The same process runs a
// Sentinel with other leading arguments (redis_sentinel.h).
// Owner: the test thread.
#pragma once

#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

namespace herald::support {

class RedisServer {
public:
    RedisServer() : RedisServer(std::vector<std::string>{}) {}

    // `leading`: arguments before the port and the others (a configuration file, --sentinel).
    explicit RedisServer(std::vector<std::string> leading)
        : port_(free_port()), leading_(std::move(leading)) {
        launch();
    }

    ~RedisServer() { kill_now(); }

    RedisServer(const RedisServer&) = delete;
    RedisServer& operator=(const RedisServer&) = delete;

    [[nodiscard]] static bool available() {
        return std::system("command -v redis-server >/dev/null 2>&1") == 0;
    }

    [[nodiscard]] bool running() const noexcept { return pid_ > 0; }

    [[nodiscard]] std::uint16_t port() const noexcept { return port_; }

    [[nodiscard]] std::string url() const { return "redis://127.0.0.1:" + std::to_string(port_); }

    void pause() const { ::kill(pid_, SIGSTOP); }

    void resume() const { ::kill(pid_, SIGCONT); }

    // Kills it and starts an empty one on the same port.
    void restart() {
        kill_now();
        launch();
    }

    // Starts an empty one on the same port after kill_now().
    void start() { launch(); }

    void kill_now() {
        if (pid_ > 0) {
            ::kill(pid_, SIGCONT);
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, nullptr, 0);
            pid_ = -1;
        }
    }

private:
    static std::uint16_t free_port() {
        const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t len = sizeof(addr);
        ::bind(fd, reinterpret_cast<sockaddr*>(&addr), len);
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
        ::close(fd);
        return ntohs(addr.sin_port);
    }

    [[nodiscard]] bool answers() const {
        const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        addr.sin_port = htons(port_);
        bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
        if (ok) {
            constexpr char kPing[] = "PING\r\n";
            char reply[8] = {};
            ok = ::write(fd, kPing, sizeof(kPing) - 1) == sizeof(kPing) - 1 &&
                 ::read(fd, reply, sizeof(reply)) > 0 && reply[0] == '+';
        }
        ::close(fd);
        return ok;
    }

    void launch() {
        std::vector<std::string> args{"redis-server"};
        args.insert(args.end(), leading_.begin(), leading_.end());
        const std::vector<std::string> common{
                "--port", std::to_string(port_), "--bind", "127.0.0.1",  "--save",
                "",       "--appendonly",        "no",     "--loglevel", "warning"};
        args.insert(args.end(), common.begin(), common.end());
        // Built before fork(): the child of a threaded test only calls async-signal-safe functions.
        std::vector<char*> argv;
        for (auto& arg : args) {
            argv.push_back(arg.data());
        }
        argv.push_back(nullptr);
        pid_ = ::fork();
        if (pid_ == 0) {
            const int null_fd = ::open("/dev/null", O_WRONLY);
            ::dup2(null_fd, STDOUT_FILENO);
            ::execvp("redis-server", argv.data());
            ::_exit(127);
        }
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        while (!answers() && std::chrono::steady_clock::now() < deadline) {
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
    }

    std::uint16_t port_;
    std::vector<std::string> leading_;
    pid_t pid_ = -1;
};

}  // namespace herald::support
