// bench/ceiling_rounds.h
//
// What the two fan-out ceilings (bench_ceiling over epoll, bench_ceiling_uring over io_uring)
// share apart from the handshake: the set of open WebSocket connections, the moment the
// broadcast starts, and the pacing of rounds with --rate with the latency stamp written into the
// frame. Keeping it in one place keeps the two programs comparable: they differ only in how a
// round reaches the sockets.
// Owner: the one thread of each ceiling program.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

#include "bench/bench_support.h"

namespace herald::bench {

// The fds of the open WebSocket connections, in any order; adding and removing cost O(1).
class OpenSockets {
public:
    explicit OpenSockets(std::size_t max_fds) : position_(max_fds, kAbsent) {}

    void add(int fd);
    // Nothing when `fd` is not in the set.
    void remove(int fd);

    [[nodiscard]] const std::vector<int>& fds() const noexcept { return fds_; }

    [[nodiscard]] std::size_t size() const noexcept { return fds_.size(); }

private:
    static constexpr std::size_t kAbsent = ~std::size_t{0};
    std::vector<int> fds_;
    std::vector<std::size_t> position_;  // by fd: its index in fds_, or kAbsent
};

// When rounds start: once policy.connections handshakes finished ("broadcasting N" is announced
// then), and with --rate at most that many times a second.
class RoundClock {
public:
    // Fails (exits) when --rate is given with a payload too short for the latency stamp.
    RoundClock(const Options& options, const RoundPolicy& policy);

    // True once `open` connections reached the policy's count; stays true.
    [[nodiscard]] bool broadcasting(std::size_t open);
    [[nodiscard]] bool due() const;
    // How long the loop may sleep: until the next paced round, at most 100 ms.
    [[nodiscard]] std::chrono::nanoseconds wait() const;

    // At the start of a round: with --rate, writes the clock into `frame` (whose last
    // policy.payload_bytes bytes are the payload) and schedules the next round. Safe while no copy
    // of the frame is partly written, which max-unsent-bytes 0 (the default) ensures.
    void start_round(std::string& frame);

private:
    RoundPolicy policy_;
    Clock::duration interval_;  // between paced rounds; zero: as fast as the policy allows
    Clock::time_point next_round_{};
    bool started_ = false;
};

}  // namespace herald::bench
