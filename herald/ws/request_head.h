// herald/ws/request_head.h
//
// The parts of an opening HTTP request a long-lived connection keeps: the target and the fields,
// packed into one string ("name\0value\0...") because a connection may live for days and a vector
// of string pairs costs several times more.
// Owner: its connection (plain value).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "herald/http/message.h"

namespace herald::ws {

class RequestHead {
public:
    RequestHead() = default;

    explicit RequestHead(std::string target) : target_(std::move(target)) {}

    explicit RequestHead(const http::Request& request);

    // The request target (path and query).
    [[nodiscard]] const std::string& target() const noexcept { return target_; }

    // The target up to '?'.
    [[nodiscard]] std::string_view path() const noexcept;

    // The first field named `name` (case-insensitive).
    [[nodiscard]] std::optional<std::string_view> header(std::string_view name) const;

    [[nodiscard]] http::Fields headers() const;

private:
    std::string target_;
    std::string packed_;
};

}  // namespace herald::ws
