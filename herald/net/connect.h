// herald/net/connect.h
//
// Outgoing connections: resolve a host, connect to the first address that answers and, for TLS,
// run the client handshake, all under one deadline. The result is a ready Stream.
// Owner: the worker passed in; call on its thread (or post there first).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <system_error>

#include "herald/net/stream.h"
#include "herald/net/tls.h"

namespace herald::net {

class Worker;

struct ConnectOptions {
    std::string host;  // a name or an address (IPv6 without brackets)
    std::uint16_t port = 0;
    std::chrono::milliseconds timeout{10000};  // resolve, connect and TLS handshake together
    TlsContextPtr tls;                         // set: connect with TLS
    std::string server_name;                   // TLS name to send and verify; empty: `host`
};

// Called once on the worker: a stream, or an error (std::errc::timed_out at the deadline).
using OnConnect = std::function<void(const std::error_code&, StreamPtr)>;

void async_connect(Worker& worker, ConnectOptions options, OnConnect done);

}  // namespace herald::net
