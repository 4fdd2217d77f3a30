// fuzz/fuzz_input.h
//
// What the fuzz targets share: a property check that aborts (libFuzzer reports an abort as a
// crash, with the input), and reading an input line by line.
// Owner: none (free functions).
#pragma once

#include <cstdlib>
#include <string>
#include <string_view>

namespace herald::fuzzing {

inline void check(bool condition) {
    if (!condition) {
        std::abort();
    }
}

// Up to the next '\n' (or the end), which is consumed.
inline std::string next_line(std::string_view& input) {
    const auto end = input.find('\n');
    std::string line(input.substr(0, end));
    input = end == std::string_view::npos ? std::string_view{} : input.substr(end + 1);
    return line;
}

}  // namespace herald::fuzzing
