// herald/ws/utf8.h
//
// Incremental UTF-8 validation (RFC 3629): text messages are checked as their bytes arrive, across
// frame and read boundaries, so an invalid sequence fails the connection at once (RFC 6455 §8.1).
// Owner: one connection on one thread.
#pragma once

#include <cstdint>
#include <string_view>

namespace herald::ws {

class Utf8Validator {
public:
    // Checks the next bytes. Returns false as soon as the input can no longer be valid UTF-8.
    bool feed(std::string_view bytes) noexcept;

    // True when everything fed so far ends on a code point boundary.
    [[nodiscard]] bool complete() const noexcept { return state_ == kAccept; }

    void reset() noexcept { state_ = kAccept; }

private:
    // The DFA state, kept as its bit offset in the transition rows of utf8.cpp.
    static constexpr std::uint8_t kAccept = 0;
    static constexpr std::uint8_t kReject = 6;
    std::uint8_t state_ = kAccept;
};

[[nodiscard]] bool is_valid_utf8(std::string_view bytes) noexcept;

}  // namespace herald::ws
