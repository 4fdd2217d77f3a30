#include "herald/util/assert.h"

#include <cstdio>
#include <cstdlib>

namespace herald::util {

void assertion_failed(const char* expression, const char* message, const char* file,
                      int line) noexcept {
    std::fprintf(stderr, "herald: invariant broken at %s:%d: %s%s%s\n", file, line, expression,
                 *message != '\0' ? ": " : "", message);
    std::fflush(stderr);
    std::abort();
}

}  // namespace herald::util
