// herald/ws/request_head.h
//
// The parts of an opening HTTP request a long-lived connection keeps: the target and the fields,
// packed into one string ("target\0name\0value\0...") because a connection may live for days
// and a vector of string pairs costs several times more. (A target never holds a NUL: the HTTP
// parser refuses one.)
// Owner: its connection (plain value).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "herald/http/message.h"

namespace herald::ws {

class RequestHead {
public:
    RequestHead() = default;

    explicit RequestHead(std::string_view target);

    // Keeps the target and, with `kept`, only the fields it names (case-insensitive).
    explicit RequestHead(const http::Request& request,
                         const std::vector<std::string>* kept = nullptr);

    // The request target (path and query).
    [[nodiscard]] std::string_view target() const noexcept;

    // The target up to '?'.
    [[nodiscard]] std::string_view path() const noexcept;

    // The first field named `name` (case-insensitive).
    [[nodiscard]] std::optional<std::string_view> header(std::string_view name) const;

    [[nodiscard]] http::Fields headers() const;

private:
    [[nodiscard]] std::string_view packed_fields() const noexcept;

    std::string packed_;
};

}  // namespace herald::ws
