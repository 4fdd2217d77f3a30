// tests/support/counting_new.h
//
// Replaces the global operator new and delete of a test binary with ones that count every
// allocation, so that a test can assert that a path allocates nothing (or only so much). Include
// it in exactly one source file of a test binary: it defines the replacements.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdlib>
#include <new>

namespace herald::support {

inline std::atomic<std::size_t> g_allocations{0};

// Allocations made by the calling code between construction and `count()` (any thread's: run
// nothing else meanwhile).
class AllocationCounter {
public:
    AllocationCounter() : start_(g_allocations.load()) {}

    [[nodiscard]] std::size_t count() const { return g_allocations.load() - start_; }

private:
    std::size_t start_;
};

}  // namespace herald::support

// GCC 12 at -O2 wrongly reports the free() in a replaced operator delete as mismatched.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif
void* operator new(std::size_t size) {
    herald::support::g_allocations.fetch_add(1, std::memory_order_relaxed);
    if (void* p = std::malloc(size == 0 ? 1 : size)) {  // NOLINT(cppcoreguidelines-no-malloc)
        return p;
    }
    throw std::bad_alloc();
}

void operator delete(void* p) noexcept {
    std::free(p);  // NOLINT(cppcoreguidelines-no-malloc)
}

void operator delete(void* p, std::size_t) noexcept {
    std::free(p);  // NOLINT(cppcoreguidelines-no-malloc)
}

// The array and nothrow forms too, so that memory from either form is always given back by its pair
// (a library that news an array would otherwise free through the sanitizer's delete[]).
void* operator new[](std::size_t size) {
    return operator new(size);
}

void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
    herald::support::g_allocations.fetch_add(1, std::memory_order_relaxed);
    return std::malloc(size == 0 ? 1 : size);  // NOLINT(cppcoreguidelines-no-malloc)
}

void* operator new[](std::size_t size, const std::nothrow_t& tag) noexcept {
    return operator new(size, tag);
}

void operator delete[](void* p) noexcept {
    std::free(p);  // NOLINT(cppcoreguidelines-no-malloc)
}

void operator delete[](void* p, std::size_t) noexcept {
    std::free(p);  // NOLINT(cppcoreguidelines-no-malloc)
}
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
