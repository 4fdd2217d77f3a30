// herald/net/tcp_stream.cpp
#include "herald/net/tcp_stream.h"

#include <array>
#include <utility>

#include <boost/asio/buffer.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/post.hpp>

#include "herald/net/worker.h"

namespace herald::net {
namespace {

// A buffer sequence of up to kMaxGatherParts pieces, stored by value in the write operation.
struct GatherBuffers {
    std::array<boost::asio::const_buffer, kMaxGatherParts> items;
    std::size_t count = 0;

    [[nodiscard]] const boost::asio::const_buffer* begin() const noexcept { return items.data(); }

    [[nodiscard]] const boost::asio::const_buffer* end() const noexcept {
        return items.data() + count;
    }
};

GatherBuffers gather_buffers(std::span<const std::string_view> parts) {
    GatherBuffers buffers;
    for (const auto part : parts) {
        if (buffers.count == buffers.items.size()) {
            break;
        }
        buffers.items[buffers.count++] = boost::asio::buffer(part.data(), part.size());
    }
    return buffers;
}

}  // namespace

TcpStream::TcpStream(Worker& worker, Socket socket) : worker_(worker), socket_(std::move(socket)) {
    boost::system::error_code ignored;
    socket_.non_blocking(true, ignored);
    socket_.set_option(boost::asio::ip::tcp::no_delay(true), ignored);
}

void TcpStream::async_handshake(Done done) {
    boost::asio::post(socket_.get_executor(), [done = std::move(done)] { done({}); });
}

void TcpStream::async_read(std::shared_ptr<StreamEvents> target) {
    socket_.async_wait(boost::asio::ip::tcp::socket::wait_read,
                       [self = shared_from_this(),
                        target = std::move(target)](const boost::system::error_code& error) {
                           if (error) {
                               target->on_read(error, {});
                               return;
                           }
                           self->read_ready(target);
                       });
}

void TcpStream::read_now_or_wait(std::shared_ptr<StreamEvents> target) {
    read_ready(std::move(target));  // waits as async_read does when nothing is there yet
}

void TcpStream::read_ready(std::shared_ptr<StreamEvents> target) {
    const auto buffer = worker_.read_buffer();
    boost::system::error_code error;
    const std::size_t n =
            socket_.read_some(boost::asio::buffer(buffer.data(), buffer.size()), error);
    if (error == boost::asio::error::would_block || error == boost::asio::error::try_again) {
        async_read(std::move(target));  // a spurious wake-up, or nothing there yet
        return;
    }
    if (error) {
        target->on_read(error, {});
        return;
    }
    target->on_read({}, buffer.first(n));
}

void TcpStream::async_write(std::span<const std::string_view> parts,
                            std::shared_ptr<StreamEvents> target) {
    socket_.async_write_some(gather_buffers(parts),
                             [self = shared_from_this(), target = std::move(target)](
                                     const boost::system::error_code& error, std::size_t bytes) {
                                 target->on_write(error, bytes);
                             });
}

// The socket is non-blocking: one writev that takes what fits. Skipping the reactor when the
// kernel has room saves an operation allocation, a queued completion and a second pass through
// the loop per write, the bulk of a broadcast's cost beyond the system call itself.
std::optional<std::size_t> TcpStream::write_now(std::span<const std::string_view> parts,
                                                std::error_code& error) {
    boost::system::error_code asio_error;
    const std::size_t n = socket_.write_some(gather_buffers(parts), asio_error);
    if (asio_error == boost::asio::error::would_block ||
        asio_error == boost::asio::error::try_again) {
        return 0;
    }
    error = asio_error;
    return n;
}

void TcpStream::close() noexcept {
    boost::system::error_code ignored;
    socket_.shutdown(boost::asio::ip::tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
}

std::string TcpStream::remote_address() const {
    boost::system::error_code error;
    const auto endpoint = socket_.remote_endpoint(error);
    return error ? std::string{} : format_endpoint(endpoint);
}

std::string format_endpoint(const boost::asio::ip::tcp::endpoint& endpoint) {
    const auto address = endpoint.address();
    const std::string host =
            address.is_v6() ? "[" + address.to_string() + "]" : address.to_string();
    return host + ":" + std::to_string(endpoint.port());
}

}  // namespace herald::net
