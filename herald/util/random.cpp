#include "herald/util/random.h"

#include <cstdio>
#include <cstdlib>

#include <openssl/rand.h>

namespace herald::util {

void random_bytes(std::span<std::byte> out) {
    if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(out.size())) !=
        1) {
        std::fputs("herald: OpenSSL RAND_bytes failed\n", stderr);
        std::abort();
    }
}

FastRandom::FastRandom() {
    random_bytes(std::as_writable_bytes(std::span{s_}));
    if ((s_[0] | s_[1] | s_[2] | s_[3]) == 0) {
        s_[0] = 1;  // the all-zero state is the one fixed point of xoshiro
    }
}

std::uint64_t FastRandom::next() noexcept {
    const auto rotl = [](std::uint64_t x, int k) {
        return (x << k) | (x >> (64 - k));
    };
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17U;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
}

}  // namespace herald::util
