// tests/support/splits.h
//
// Runs a parser test on its input whole and then split at every position, so incremental
// parsers are checked for every chunk boundary (a parser must not care where reads end).
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace herald::support {

// Calls `fn` with the input as one chunk, then as two chunks split at each position 1..n-1.
inline void for_each_split(std::string_view input,
                           const std::function<void(const std::vector<std::string>&)>& fn) {
    fn({std::string(input)});
    for (std::size_t i = 1; i < input.size(); ++i) {
        fn({std::string(input.substr(0, i)), std::string(input.substr(i))});
    }
}

// Cuts the input into chunks of `size` bytes (the last may be shorter).
inline std::vector<std::string> chunks_of(std::string_view input, std::size_t size) {
    std::vector<std::string> out;
    for (std::size_t i = 0; i < input.size(); i += size) {
        out.emplace_back(input.substr(i, size));
    }
    return out;
}

}  // namespace herald::support
