// herald/net/tcp_stream.h
//
// Plain TCP. An idle connection holds no buffer: a read waits for readability, then reads
// non-blocking into the worker's shared buffer. Writes are one writev of up to kMaxGatherParts
// pieces, tried at once (write_now); only a full kernel buffer waits for writability.
// Owner: the worker the socket belongs to.
#pragma once

#include <memory>
#include <string>

#include <boost/asio/ip/tcp.hpp>

#include "herald/net/socket.h"
#include "herald/net/stream.h"

namespace herald::net {

class TcpStream final : public Stream, public std::enable_shared_from_this<TcpStream> {
public:
    // `socket` must be open and connected, on `worker`'s io_context.
    TcpStream(Worker& worker, Socket socket);

    void async_handshake(Done done) override;
    void async_read(std::shared_ptr<StreamEvents> target) override;
    void read_now_or_wait(std::shared_ptr<StreamEvents> target) override;
    void async_write(std::span<const std::string_view> parts,
                     std::shared_ptr<StreamEvents> target) override;
    std::optional<std::size_t> write_now(std::span<const std::string_view> parts,
                                         std::error_code& error) override;
    void close() noexcept override;
    [[nodiscard]] std::string remote_address() const override;

    [[nodiscard]] bool is_tls() const noexcept override { return false; }

    [[nodiscard]] Worker& worker() const noexcept override { return worker_; }

private:
    void read_ready(std::shared_ptr<StreamEvents> target);

    Worker& worker_;
    Socket socket_;
};

// "address:port", with brackets around IPv6 addresses.
[[nodiscard]] std::string format_endpoint(const boost::asio::ip::tcp::endpoint& endpoint);

}  // namespace herald::net
