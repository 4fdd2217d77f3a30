#include "bench/bench_support.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <stdexcept>
#include <system_error>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/epoll.h>
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
    std::string payload(kPayloadPrefix);
    while (payload.size() + kPayloadSuffix.size() < bytes) {
        payload.push_back(static_cast<char>('a' + payload.size() % 26));
    }
    payload += kPayloadSuffix;
    payload.resize(bytes);
    return payload;
}

std::uint64_t clock_nanoseconds(Clock::time_point when) {
    return static_cast<std::uint64_t>(
            std::chrono::duration_cast<std::chrono::nanoseconds>(when.time_since_epoch()).count());
}

void write_stamp(char* at, std::uint64_t nanoseconds) {
    for (std::size_t i = kStampDigits; i > 0; --i) {
        at[i - 1] = static_cast<char>('0' + nanoseconds % 10);
        nanoseconds /= 10;
    }
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

int connect_tcp(const std::string& host, std::uint16_t port, int epoll, std::uint32_t events,
                std::uint64_t tag, std::string_view what) {
    const std::string name(what);
    const int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        fail(name + " socket");
    }
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    if (inet_pton(AF_INET, host.c_str(), &address.sin_addr) != 1) {
        fail("not an IPv4 address: " + host, false);
    }
    if (connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0 &&
        errno != EINPROGRESS) {
        fail(name + " connect");
    }
    epoll_event event{};
    event.events = events;
    event.data.u64 = tag;
    if (epoll_ctl(epoll, EPOLL_CTL_ADD, fd, &event) != 0) {
        fail(name + " epoll_ctl");
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

namespace {

// The CPU time of every thread of `pid` in nanoseconds (the first field of each thread's
// /proc/PID/task/TID/schedstat), or nullopt where the kernel does not offer it. Exact, where
// /proc/PID/stat counts in clock ticks (10 ms): a 0.2 s measurement would be good to 5 % only.
std::optional<double> scheduler_cpu_seconds(std::size_t pid) {
    std::error_code error;
    std::filesystem::directory_iterator tasks("/proc/" + std::to_string(pid) + "/task", error);
    if (error) {
        return std::nullopt;
    }
    unsigned long long total = 0;
    bool any = false;
    for (const auto& task : tasks) {
        std::ifstream file(task.path() / "schedstat");
        unsigned long long nanoseconds = 0;
        if (file >> nanoseconds) {
            total += nanoseconds;
            any = true;
        }
    }
    return any ? std::optional<double>(static_cast<double>(total) / 1e9) : std::nullopt;
}

}  // namespace

double process_cpu_seconds(std::size_t pid) {
    if (pid == 0) {
        return 0;
    }
    if (const auto exact = scheduler_cpu_seconds(pid)) {
        return *exact;
    }
    const std::string path = "/proc/" + std::to_string(pid) + "/stat";
    std::FILE* file = std::fopen(path.c_str(), "r");
    if (file == nullptr) {
        return 0;
    }
    std::array<char, 1024> line{};
    const std::size_t size = std::fread(line.data(), 1, line.size() - 1, file);
    std::fclose(file);
    // The command name (field 2) may hold spaces: count fields after its closing parenthesis.
    const std::string_view text(line.data(), size);
    std::size_t at = text.rfind(')');
    unsigned long long ticks[2] = {0, 0};
    for (int field = 3; field <= 15 && at != std::string_view::npos; ++field) {
        at = text.find(' ', at + 1);
        if (field >= 14 && at != std::string_view::npos) {
            ticks[field - 14] = std::strtoull(text.data() + at + 1, nullptr, 10);
        }
    }
    return static_cast<double>(ticks[0] + ticks[1]) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

}  // namespace herald::bench
