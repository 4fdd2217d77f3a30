#include "herald/pusher/socket_id.h"

#include <algorithm>
#include <span>

#include "herald/util/random.h"

namespace herald::pusher {

namespace {

bool is_digit(char c) noexcept {
    return c >= '0' && c <= '9';
}

bool all_digits(std::string_view s) noexcept {
    return !s.empty() && std::all_of(s.begin(), s.end(), is_digit);
}

}  // namespace

bool is_valid_socket_id(std::string_view id) noexcept {
    const auto dot = id.find('.');
    return dot != std::string_view::npos && all_digits(id.substr(0, dot)) &&
           all_digits(id.substr(dot + 1));
}

SocketIdGenerator::SocketIdGenerator(std::uint64_t prefix) noexcept : prefix_(prefix) {}

std::string SocketIdGenerator::next() {
    if (used_ == pool_.size()) {
        util::random_bytes(std::as_writable_bytes(std::span{pool_}));
        used_ = 0;
    }
    std::string id = std::to_string(prefix_);
    id.push_back('.');
    id += std::to_string(pool_[used_++]);
    return id;
}

std::uint64_t socket_id_prefix(std::uint32_t node, std::uint32_t worker) noexcept {
    return std::uint64_t{node} * 1000U + worker;
}

}  // namespace herald::pusher
