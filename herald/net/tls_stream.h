// herald/net/tls_stream.h
//
// TLS over TCP (boost::asio::ssl on OpenSSL). Unlike plain TCP a TLS read cannot wait without a
// buffer, so each stream owns a small one; writes are coalesced into one record-sized buffer since
// TLS encrypts one buffer at a time anyway. A client stream sends SNI and checks the host name.
// Owner: the worker the socket belongs to.
#pragma once

#include <memory>
#include <string>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/stream.hpp>

#include "herald/net/socket.h"
#include "herald/net/stream.h"
#include "herald/net/tls.h"

namespace herald::net {

class TlsStream final : public Stream, public std::enable_shared_from_this<TlsStream> {
public:
    // Server side.
    TlsStream(Worker& worker, Socket socket, TlsContextPtr context);

    // Client side: `server_name` goes into SNI and, when the context verifies, must match the
    // certificate (a DNS name or an IP address).
    TlsStream(Worker& worker, Socket socket, TlsContextPtr context, const std::string& server_name);

    void async_handshake(Done done) override;
    void async_read(std::shared_ptr<StreamEvents> target) override;
    void async_write(std::span<const std::string_view> parts,
                     std::shared_ptr<StreamEvents> target) override;
    void close() noexcept override;
    [[nodiscard]] std::string remote_address() const override;

    [[nodiscard]] bool is_tls() const noexcept override { return true; }

    [[nodiscard]] Worker& worker() const noexcept override { return worker_; }

private:
    static constexpr std::size_t kReadBytes = 16 * 1024;   // one TLS record
    static constexpr std::size_t kWriteBytes = 64 * 1024;  // coalesced per write

    Worker& worker_;
    TlsContextPtr context_;  // keeps the SSL_CTX settings alive
    boost::asio::ssl::stream<Socket> stream_;
    bool client_;
    std::unique_ptr<char[]> read_buffer_;
    std::string staging_;  // the coalesced bytes of the write in flight
};

}  // namespace herald::net
