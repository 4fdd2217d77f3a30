// herald/client/reconnect.h
//
// When a lost connection is tried again (protocol.md §5.1, §5.2, §10.5): the decision a close
// code (or a handshake pusher:error code) leads to, and the exponential back-off with jitter
// used between attempts. Pure: the randomness is a number passed in.
// Owner: a Backoff belongs to one client core.
#pragma once

#include <chrono>
#include <cstdint>

namespace herald::client {

enum class AfterClose : std::uint8_t {
    Fail,  // 4001-4099 and 4300 and above: reconnecting unchanged fails again; state failed
    Tls,   // 4000: the app accepts only TLS; reconnect at once over wss:// (pusher-js's tls_only)
    Backoff,  // 4100-4199, and every WebSocket code (1000-3999: 1006, network errors)
    Now,      // 4200-4299: the server asks for a fresh connection at once
};

[[nodiscard]] AfterClose after_close(std::uint16_t code) noexcept;

// Delays of first, 2 x first, 4 x first ... capped at `cap`, each drawn in [d/2, d] ("equal
// jitter") so that clients dropped together do not come back together. reset() after a
// connection that reached connection_established.
class Backoff {
public:
    Backoff(std::chrono::milliseconds first, std::chrono::milliseconds cap) noexcept;

    // `unit` is uniform in [0, 1).
    [[nodiscard]] std::chrono::milliseconds next(double unit) noexcept;

    void reset() noexcept { attempts_ = 0; }

    [[nodiscard]] unsigned attempts() const noexcept { return attempts_; }

private:
    std::chrono::milliseconds first_;
    std::chrono::milliseconds cap_;
    unsigned attempts_ = 0;
};

}  // namespace herald::client
