// herald/net/connect.cpp
#include "herald/net/connect.h"

#include <memory>
#include <utility>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include "herald/net/tcp_stream.h"
#include "herald/net/tls_stream.h"
#include "herald/net/worker.h"

namespace herald::net {
namespace {

using boost::asio::ip::tcp;

class ConnectOperation : public std::enable_shared_from_this<ConnectOperation> {
public:
    ConnectOperation(Worker& worker, ConnectOptions options, OnConnect done)
        : worker_(worker),
          options_(std::move(options)),
          done_(std::move(done)),
          resolver_(worker.io_context()),
          socket_(worker.io_context()),
          timer_(worker.io_context()) {}

    void start() {
        timer_.expires_after(options_.timeout);
        timer_.async_wait([self = shared_from_this()](const boost::system::error_code& error) {
            if (!error) {
                self->finish(std::make_error_code(std::errc::timed_out), nullptr);
            }
        });
        resolver_.async_resolve(
                options_.host, std::to_string(options_.port),
                [self = shared_from_this()](const boost::system::error_code& error,
                                            const tcp::resolver::results_type& results) {
                    self->resolved(error, results);
                });
    }

private:
    void resolved(const boost::system::error_code& error,
                  const tcp::resolver::results_type& results) {
        if (error) {
            finish(error, nullptr);
            return;
        }
        boost::asio::async_connect(
                socket_, results,
                [self = shared_from_this()](const boost::system::error_code& e,
                                            const tcp::endpoint&) { self->connected(e); });
    }

    void connected(const boost::system::error_code& error) {
        if (error || finished_) {
            finish(error, nullptr);
            return;
        }
        if (!options_.tls) {
            finish({}, std::make_shared<TcpStream>(worker_, std::move(socket_)));
            return;
        }
        const auto& name = options_.server_name.empty() ? options_.host : options_.server_name;
        stream_ = std::make_shared<TlsStream>(worker_, std::move(socket_), options_.tls, name);
        stream_->async_handshake([self = shared_from_this()](const std::error_code& e) {
            self->finish(e, e ? nullptr : self->stream_);
        });
    }

    void finish(const std::error_code& error, StreamPtr stream) {
        if (finished_) {
            return;
        }
        finished_ = true;
        timer_.cancel();
        resolver_.cancel();
        boost::system::error_code ignored;
        socket_.close(ignored);
        if (error && stream_) {
            stream_->close();
        }
        auto done = std::move(done_);
        done(error, std::move(stream));
    }

    Worker& worker_;
    ConnectOptions options_;
    OnConnect done_;
    tcp::resolver resolver_;
    Socket socket_;
    boost::asio::steady_timer timer_;
    StreamPtr stream_;
    bool finished_ = false;
};

}  // namespace

void async_connect(Worker& worker, ConnectOptions options, OnConnect done) {
    std::make_shared<ConnectOperation>(worker, std::move(options), std::move(done))->start();
}

}  // namespace herald::net
