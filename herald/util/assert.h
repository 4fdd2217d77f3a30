// herald/util/assert.h
//
// Invariants checked at run time. `HERALD_ASSERT(cond)` is a bug check for the builds that test
// (dev, tsan, fuzz: HERALD_ASSERTIONS is defined there) and compiles to nothing in release, so
// it may sit on hot paths. `HERALD_CHECK(cond, message)` is always on, for invariants whose
// breach would corrupt state silently. Both print where and what, then abort: a broken invariant
// is a bug, never a way to report bad input (bad input gets an error code, STYLE.md §3.6).
//
// `OwnerThread` records the thread that owns a structure (a worker's connections, its local
// channels) and `HERALD_ASSERT_OWNER(owner)` checks that the caller is that thread.
// Owner: none (macros; OwnerThread belongs to the structure that holds it).
#pragma once

#include <thread>

namespace herald::util {

[[noreturn]] void assertion_failed(const char* expression, const char* message, const char* file,
                                   int line) noexcept;

#if defined(HERALD_ASSERTIONS)
inline constexpr bool kAssertions = true;
#else
inline constexpr bool kAssertions = false;
#endif

// The thread a structure belongs to: the first thread that calls `bind()` (or the one that
// constructs it with `bind_now`). Costs nothing when assertions are off.
class OwnerThread {
public:
    OwnerThread() = default;

    // Takes the calling thread as owner (a structure made on one thread and handed to its worker
    // binds there).
    void bind() noexcept {
        if constexpr (kAssertions) {
            owner_ = std::this_thread::get_id();
        }
    }

    // True on the owner thread, and while no owner is bound yet.
    [[nodiscard]] bool is_current() const noexcept {
        return owner_ == std::thread::id{} || owner_ == std::this_thread::get_id();
    }

private:
    std::thread::id owner_{};
};

}  // namespace herald::util

#define HERALD_CHECK(cond, message)                                                 \
    do {                                                                            \
        if (!(cond)) [[unlikely]] {                                                 \
            ::herald::util::assertion_failed(#cond, (message), __FILE__, __LINE__); \
        }                                                                           \
    } while (false)

#if defined(HERALD_ASSERTIONS)
#define HERALD_ASSERT(cond) HERALD_CHECK(cond, "")
#else
#define HERALD_ASSERT(cond) static_cast<void>(sizeof(static_cast<bool>(cond)))
#endif

#define HERALD_ASSERT_OWNER(owner) HERALD_ASSERT((owner).is_current())
