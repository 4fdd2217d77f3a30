// herald/util/random.h
//
// Randomness. `random_bytes` draws from OpenSSL's CSPRNG (keys, ids). `FastRandom` is a
// per-owner xoshiro256** generator seeded from it, for values needed per frame (client masks)
// where a system call or a lock per draw would cost more than the frame itself.
// Owner: FastRandom is single-threaded; keep one per worker or per connection.
#pragma once

#include <array>
#include <cstdint>
#include <span>

namespace herald::util {

// Fills `out` with cryptographically strong bytes; aborts if the CSPRNG fails (it never should).
void random_bytes(std::span<std::byte> out);

class FastRandom {
public:
    FastRandom();  // seeded from random_bytes

    [[nodiscard]] std::uint64_t next() noexcept;

private:
    std::array<std::uint64_t, 4> s_{};
};

}  // namespace herald::util
