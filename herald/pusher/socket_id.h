// herald/pusher/socket_id.h
//
// socket_id generation and validation (protocol.md §2.5). Every official SDK refuses to sign for
// a socket_id that does not match ^\d+\.\d+$, so generated ids have exactly that shape.
// Owner: a SocketIdGenerator belongs to one worker; the free functions are pure.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace herald::pusher {

// §2.5: one or more ASCII digits, one dot, one or more ASCII digits, nothing else.
[[nodiscard]] bool is_valid_socket_id(std::string_view id) noexcept;

// Issues "<prefix>.<random>" ids, the random part a 64-bit number from the CSPRNG, so a client
// cannot guess another connection's id from its own (ids carry no order). Generators with
// different prefixes never collide, so giving each worker of each node its own prefix keeps ids
// apart across the cluster (§2.5); within one generator two ids are equal with probability 2^-64,
// which for a million live connections on one worker is below 3 in 10^8.
class SocketIdGenerator {
public:
    explicit SocketIdGenerator(std::uint64_t prefix) noexcept;

    [[nodiscard]] std::string next();

private:
    std::uint64_t prefix_;
    std::array<std::uint64_t, 32> pool_{};  // drawn from the CSPRNG 32 at a time
    std::size_t used_ = 32;
};

// A prefix for one worker: `node` (a cluster-wide number, or random when nodes are not numbered)
// times 1000 plus `worker`. Distinct (node, worker < 1000) pairs give distinct prefixes.
[[nodiscard]] std::uint64_t socket_id_prefix(std::uint32_t node, std::uint32_t worker) noexcept;

}  // namespace herald::pusher
