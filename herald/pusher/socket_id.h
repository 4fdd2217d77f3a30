// herald/pusher/socket_id.h
//
// socket_id generation and validation (protocol.md §2.5). Every official SDK refuses to sign for
// a socket_id that does not match ^\d+\.\d+$, so generated ids have exactly that shape.
// Owner: a SocketIdGenerator belongs to one worker; the free functions are pure.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace herald::pusher {

// §2.5: one or more ASCII digits, one dot, one or more ASCII digits, nothing else.
[[nodiscard]] bool is_valid_socket_id(std::string_view id) noexcept;

// Issues "<prefix>.<counter>" ids. Ids from one generator never repeat (the counter would need
// 2^64 connections to wrap), and generators with different prefixes never collide, so giving each
// worker of each node its own prefix makes ids unique across the cluster (§2.5).
class SocketIdGenerator {
public:
    explicit SocketIdGenerator(std::uint64_t prefix, std::uint64_t first = 1) noexcept;

    [[nodiscard]] std::string next();

private:
    std::uint64_t prefix_;
    std::uint64_t counter_;
};

// A prefix for one worker: `node` (a cluster-wide number, or random when nodes are not numbered)
// times 1000 plus `worker`. Distinct (node, worker < 1000) pairs give distinct prefixes.
[[nodiscard]] std::uint64_t socket_id_prefix(std::uint32_t node, std::uint32_t worker) noexcept;

}  // namespace herald::pusher
