#include "bench/ceiling_rounds.h"

#include <algorithm>

namespace herald::bench {

void OpenSockets::add(int fd) {
    position_[static_cast<std::size_t>(fd)] = fds_.size();
    fds_.push_back(fd);
}

void OpenSockets::remove(int fd) {
    const std::size_t at = position_[static_cast<std::size_t>(fd)];
    if (at == kAbsent) {
        return;
    }
    fds_[at] = fds_.back();
    position_[static_cast<std::size_t>(fds_.back())] = at;
    fds_.pop_back();
    position_[static_cast<std::size_t>(fd)] = kAbsent;
}

RoundClock::RoundClock(const Options& options, const RoundPolicy& policy) : policy_(policy) {
    const double rate = options.seconds("rate", 0);
    interval_ = rate > 0 ? std::chrono::duration_cast<Clock::duration>(
                                   std::chrono::duration<double>(1.0 / rate))
                         : Clock::duration::zero();
    if (interval_.count() > 0 && policy.payload_bytes < kStampOffset + kStampDigits + 2) {
        fail("--rate needs --payload-bytes >= 64 for the latency stamp", false);
    }
}

bool RoundClock::broadcasting(std::size_t open) {
    if (!started_ && policy_.connections > 0 && open >= policy_.connections) {
        started_ = true;
        announce("broadcasting " + std::to_string(open));
    }
    return started_;
}

bool RoundClock::due() const {
    return interval_.count() == 0 || Clock::now() >= next_round_;
}

std::chrono::nanoseconds RoundClock::wait() const {
    constexpr std::chrono::nanoseconds kMost = std::chrono::milliseconds(100);
    if (!started_ || interval_.count() == 0) {
        return kMost;
    }
    const auto left =
            std::chrono::duration_cast<std::chrono::nanoseconds>(next_round_ - Clock::now());
    return std::clamp(left, std::chrono::nanoseconds::zero(), kMost);
}

void RoundClock::start_round(std::string& frame) {
    if (interval_.count() == 0) {
        return;
    }
    const auto now = Clock::now();
    const std::size_t payload_at = frame.size() - policy_.payload_bytes;
    write_stamp(frame.data() + payload_at + kStampOffset, clock_nanoseconds(now));
    // Behind schedule (the previous round took longer than the interval), the next round starts
    // at once, without making up for the rounds missed.
    next_round_ = next_round_ == Clock::time_point{} ? now + interval_
                                                     : std::max(next_round_ + interval_, now);
}

}  // namespace herald::bench
