// herald/net/listener.h
//
// Accepts TCP connections on one address with one listening socket per worker, all bound to the
// same port with SO_REUSEPORT so the kernel spreads new connections over the workers. Port 0 picks
// a free port (the first socket's) for all of them. IPv4 and IPv6 hosts.
// Owner: the thread that owns the WorkerPool; each acceptor lives on its worker.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/ip/tcp.hpp>

#include "herald/net/socket.h"
#include "herald/net/worker_pool.h"

namespace herald::net {

struct ListenOptions {
    std::string host = "127.0.0.1";  // an address or a name resolved once at start
    std::uint16_t port = 0;          // 0: any free port
    int backlog = 1024;
};

class Listener {
public:
    // Runs on the worker that accepted the connection.
    using OnAccept = std::function<void(Worker&, Socket)>;

    // Binds every socket now; throws std::runtime_error (a bad host, an address in use ...).
    Listener(WorkerPool& pool, const ListenOptions& options, OnAccept on_accept);
    ~Listener();
    Listener(const Listener&) = delete;
    Listener& operator=(const Listener&) = delete;

    // Starts accepting on every worker (they may already be running).
    void start();

    // Closes every listening socket and waits for it; call while the workers run (or after
    // they stopped). Idempotent.
    void stop();

    [[nodiscard]] std::uint16_t port() const noexcept { return port_; }

    [[nodiscard]] const boost::asio::ip::address& address() const noexcept { return address_; }

private:
    struct Acceptor;

    boost::asio::ip::address address_;
    std::uint16_t port_ = 0;
    std::vector<std::shared_ptr<Acceptor>> acceptors_;
    bool stopped_ = false;
};

// The address of `host` (a literal, or the first result of resolving a name).
[[nodiscard]] boost::asio::ip::address resolve_host(const std::string& host);

}  // namespace herald::net
