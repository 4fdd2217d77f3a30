// herald/server/address_limit.h
//
// How many WebSocket connections each remote address holds, across every worker and app, so one
// address cannot take all of a server's connections (`max_connections_per_ip`). A connection
// holds a slot for its lifetime; the slot gives itself back when the last copy of it goes.
// Owner: the server; acquire() and the slots' release take one short lock, once per connection.
#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace herald::server {

class AddressLimit {
public:
    using Slot = std::shared_ptr<void>;

    explicit AddressLimit(std::size_t max_per_address) : max_(max_per_address) {}

    // A slot for `address` ("ip:port" or "[v6]:port"; the port is ignored), or null when the
    // address holds `max_per_address` already. With a limit of 0 every address gets one.
    [[nodiscard]] Slot acquire(std::string_view address);

    [[nodiscard]] std::size_t held(std::string_view address);

private:
    void release(const std::string& host);

    std::mutex mutex_;
    std::unordered_map<std::string, std::size_t> counts_;
    std::size_t max_;
};

// The address without its port: "10.0.0.1:5000" -> "10.0.0.1", "[::1]:5000" -> "::1".
[[nodiscard]] std::string_view host_of(std::string_view address) noexcept;

}  // namespace herald::server
