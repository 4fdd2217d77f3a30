// herald/util/shared_bytes.h
//
// An immutable, reference-counted byte string: what a frame built once for many connections is.
// Owner: immutable, any thread.
#pragma once

#include <memory>
#include <string>

namespace herald::util {

using SharedBytes = std::shared_ptr<const std::string>;

[[nodiscard]] inline SharedBytes make_shared_bytes(std::string bytes) {
    return std::make_shared<const std::string>(std::move(bytes));
}

}  // namespace herald::util
