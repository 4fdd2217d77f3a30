// bench/bench_support.h
//
// What the fan-out benchmark programs share: `--name value` options, the listening socket, the
// round policy both servers follow, and the line protocol they speak to bench/run.sh on stdout.
// Knows nothing of herald::net or herald::ws, so the ceiling program stays library-free.
// Owner: the one thread of each benchmark program.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

namespace herald::bench {

// `--name value` pairs; anything else is a usage error.
class Options {
public:
    Options(int argc, char** argv, std::string_view usage);

    [[nodiscard]] std::string text(const std::string& name, const std::string& fallback) const;
    [[nodiscard]] std::size_t count(const std::string& name, std::size_t fallback) const;
    [[nodiscard]] double seconds(const std::string& name, double fallback) const;

private:
    std::map<std::string, std::string> values_;
    std::string usage_;
};

// Prints `what` (and errno's text when `with_errno`) to stderr and exits with status 1 at once.
[[noreturn]] void fail(std::string_view what, bool with_errno = true);

// The round policy, the same for the ceiling and for Herald so their ratio is fair: a round queues
// `burst` copies of the frame on every open connection, and a new round starts only when no
// connection has more than `max_unsent_bytes` still unwritten (checked once per round).
struct RoundPolicy {
    std::size_t connections = 0;  // rounds start once this many handshakes finished; 0 = idle
    std::size_t burst = 1;
    std::size_t max_unsent_bytes = 0;
    std::size_t payload_bytes = 100;
};

[[nodiscard]] RoundPolicy round_policy(const Options& options);

// The message both servers broadcast: a Pusher-style event padded to exactly `bytes` bytes of
// valid UTF-8 text. It is the envelope herald serve sends for event "tick" on channel "bench":
// kPayloadPrefix, the data string, then `"}`.
inline constexpr std::string_view kPayloadPrefix = R"({"event":"tick","channel":"bench","data":")";
inline constexpr std::string_view kPayloadSuffix = R"("})";

[[nodiscard]] std::string bench_payload(std::size_t bytes);

// Bumps RLIMIT_NOFILE's soft limit to `wanted` (or the hard limit, if lower); returns the result.
std::size_t raise_fd_limit(std::size_t wanted);

// A non-blocking TCP socket listening on host:port (port 0 picks one); returns the fd.
[[nodiscard]] int listen_tcp(const std::string& host, std::uint16_t port);

[[nodiscard]] std::uint16_t local_port(int fd);

// Starts a non-blocking connect to host:port and registers the socket with `epoll` for `events`
// with `tag` as its data; returns the fd. `what` names the caller in error messages.
[[nodiscard]] int connect_tcp(const std::string& host, std::uint16_t port, int epoll,
                              std::uint32_t events, std::uint64_t tag, std::string_view what);

// A line to bench/run.sh on stdout, flushed at once ("listening 40123", "ready 5000", ...).
void announce(std::string_view line);

// Sets the flag returned by stop_requested() on SIGINT/SIGTERM (without SA_RESTART, so a blocked
// epoll_wait returns EINTR) and ignores SIGPIPE.
void install_signal_handlers();

[[nodiscard]] bool stop_requested() noexcept;

// User plus system time of process `pid` so far (/proc/PID/stat fields 14 and 15), or zero when
// `pid` is zero or the process is gone.
[[nodiscard]] double process_cpu_seconds(std::size_t pid);

using Clock = std::chrono::steady_clock;

[[nodiscard]] inline double seconds_between(Clock::time_point from, Clock::time_point to) {
    return std::chrono::duration<double>(to - from).count();
}

// The latency stamp: the steady clock (CLOCK_MONOTONIC, shared by every process of the machine)
// in nanoseconds as kStampDigits decimal digits, at the start of the payload's data string
// (kStampOffset), where the sender writes it and the subscribers read it.
inline constexpr std::size_t kStampOffset = kPayloadPrefix.size();
inline constexpr std::size_t kStampDigits = 20;

[[nodiscard]] std::uint64_t clock_nanoseconds(Clock::time_point when);

// Writes `nanoseconds` as kStampDigits digits at `at` (zero-padded on the left).
void write_stamp(char* at, std::uint64_t nanoseconds);

}  // namespace herald::bench
