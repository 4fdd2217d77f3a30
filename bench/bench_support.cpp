#include "bench/bench_support.h"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <system_error>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

namespace herald::bench {
namespace {

std::atomic<bool> g_stop{false};

extern "C" void on_stop_signal(int /*signal*/) {
    g_stop.store(true);
}

}  // namespace

Options::Options(int argc, char** argv, std::string_view usage) : usage_(usage) {
    for (int i = 1; i < argc; i += 2) {
        const std::string_view name = argv[i];
        if (!name.starts_with("--") || i + 1 >= argc) {
            fail(usage_, false);
        }
        values_[std::string(name.substr(2))] = argv[i + 1];
    }
}

std::string Options::text(const std::string& name, const std::string& fallback) const {
    const auto it = values_.find(name);
    return it == values_.end() ? fallback : it->second;
}

std::size_t Options::count(const std::string& name, std::size_t fallback) const {
    const auto it = values_.find(name);
    if (it == values_.end()) {
        return fallback;
    }
    try {
        return static_cast<std::size_t>(std::stoull(it->second));
    } catch (const std::exception&) {
        fail("--" + name + " wants a number\n" + usage_, false);
    }
}

double Options::seconds(const std::string& name, double fallback) const {
    const auto it = values_.find(name);
    if (it == values_.end()) {
        return fallback;
    }
    try {
        return std::stod(it->second);
    } catch (const std::exception&) {
        fail("--" + name + " wants seconds\n" + usage_, false);
    }
}

void fail(std::string_view what, bool with_errno) {
    const int saved = errno;
    std::fprintf(stderr, "%.*s", static_cast<int>(what.size()), what.data());
    if (with_errno) {
        std::fprintf(stderr, ": %s",
                     std::error_code(saved, std::system_category()).message().c_str());
    }
    std::fprintf(stderr, "\n");
    std::fflush(nullptr);
    std::_Exit(1);
}

RoundPolicy round_policy(const Options& options) {
    RoundPolicy policy;
    policy.connections = options.count("connections", policy.connections);
    policy.burst = std::max<std::size_t>(1, options.count("burst", policy.burst));
    policy.max_unsent_bytes = options.count("max-unsent-bytes", policy.max_unsent_bytes);
    policy.payload_bytes = options.count("payload-bytes", policy.payload_bytes);
    return policy;
}

std::string bench_payload(std::size_t bytes) {
    std::string payload = R"({"event":"tick","channel":"bench","data":")";
    const std::string tail = R"("})";
    while (payload.size() + tail.size() < bytes) {
        payload.push_back(static_cast<char>('a' + payload.size() % 26));
    }
    payload += tail;
    payload.resize(bytes);
    return payload;
}

std::size_t raise_fd_limit(std::size_t wanted) {
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) != 0) {
        fail("getrlimit");
    }
    const auto target = std::min<rlim_t>(wanted, limit.rlim_max);
    if (limit.rlim_cur < target) {
        limit.rlim_cur = target;
        if (setrlimit(RLIMIT_NOFILE, &limit) != 0) {
            fail("setrlimit");
        }
    }
    return static_cast<std::size_t>(limit.rlim_cur);
}

int listen_tcp(const std::string& host, std::uint16_t port) {
    const int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        fail("socket");
    }
    const int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    if (inet_pton(AF_INET, host.c_str(), &address.sin_addr) != 1) {
        fail("not an IPv4 address: " + host, false);
    }
    if (bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
        fail("bind");
    }
    if (listen(fd, SOMAXCONN) != 0) {
        fail("listen");
    }
    return fd;
}

std::uint16_t local_port(int fd) {
    sockaddr_in address{};
    socklen_t size = sizeof address;
    if (getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size) != 0) {
        fail("getsockname");
    }
    return ntohs(address.sin_port);
}

void announce(std::string_view line) {
    std::fprintf(stdout, "%.*s\n", static_cast<int>(line.size()), line.data());
    std::fflush(stdout);
}

void install_signal_handlers() {
    struct sigaction action {};

    action.sa_handler = on_stop_signal;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, nullptr);
    sigaction(SIGTERM, &action, nullptr);
    std::signal(SIGPIPE, SIG_IGN);
}

bool stop_requested() noexcept {
    return g_stop.load(std::memory_order_relaxed);
}

}  // namespace herald::bench
