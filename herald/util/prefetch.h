// herald/util/prefetch.h
//
// A hint to load a cache line that will be read soon. A broadcast walks thousands of connections
// whose objects are spread over memory: each one read cold stalls the walk for a trip to memory,
// while a line asked for a few connections ahead arrives during the system calls in between.
// A prefetch never faults, so any address may be given.
// Owner: none (a function).
#pragma once

namespace herald::util {

inline void prefetch(const void* address) noexcept {
    __builtin_prefetch(address, 0, 3);
}

}  // namespace herald::util
