// herald/net/tls_stream.cpp
#include "herald/net/tls_stream.h"

#include <utility>

#include <boost/asio/buffer.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/write.hpp>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "herald/net/tcp_stream.h"
#include "herald/net/worker.h"

namespace herald::net {
namespace {

void set_peer_name(SSL* ssl, const std::string& name) {
    boost::system::error_code error;
    boost::asio::ip::make_address(name, error);
    if (error) {
        // A DNS name: SNI (RFC 6066 §3 forbids literal addresses there) and name matching.
        // SSL_set_tlsext_host_name is a macro with a C cast; this is what it expands to.
        SSL_ctrl(ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
                 const_cast<char*>(name.c_str()));
        SSL_set1_host(ssl, name.c_str());
    } else {
        X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), name.c_str());
    }
}

}  // namespace

TlsStream::TlsStream(Worker& worker, Socket socket, TlsContextPtr context)
    : worker_(worker),
      context_(std::move(context)),
      stream_(std::move(socket), *context_),
      client_(false),
      read_buffer_(std::make_unique<char[]>(kReadBytes)) {
    boost::system::error_code ignored;
    stream_.next_layer().set_option(boost::asio::ip::tcp::no_delay(true), ignored);
}

TlsStream::TlsStream(Worker& worker, Socket socket, TlsContextPtr context,
                     const std::string& server_name)
    : TlsStream(worker, std::move(socket), std::move(context)) {
    client_ = true;
    set_peer_name(stream_.native_handle(), server_name);
}

void TlsStream::async_handshake(Done done) {
    const auto type =
            client_ ? boost::asio::ssl::stream_base::client : boost::asio::ssl::stream_base::server;
    stream_.async_handshake(type, [self = shared_from_this(), done = std::move(done)](
                                          const boost::system::error_code& error) { done(error); });
}

void TlsStream::async_read(std::shared_ptr<StreamEvents> target) {
    stream_.async_read_some(boost::asio::buffer(read_buffer_.get(), kReadBytes),
                            [self = shared_from_this(), target = std::move(target)](
                                    const boost::system::error_code& error, std::size_t bytes) {
                                if (error) {
                                    target->on_read(error, {});
                                    return;
                                }
                                target->on_read({},
                                                std::span<char>(self->read_buffer_.get(), bytes));
                            });
}

void TlsStream::async_write(std::span<const std::string_view> parts,
                            std::shared_ptr<StreamEvents> target) {
    staging_.clear();
    for (const auto part : parts) {
        const std::size_t room = kWriteBytes - staging_.size();
        staging_.append(part.substr(0, room));
        if (staging_.size() == kWriteBytes) {
            break;
        }
    }
    boost::asio::async_write(stream_, boost::asio::buffer(staging_),
                             [self = shared_from_this(), target = std::move(target)](
                                     const boost::system::error_code& error, std::size_t bytes) {
                                 if (self->staging_.capacity() > kReadBytes) {
                                     std::string().swap(self->staging_);  // idle: give it back
                                 }
                                 target->on_write(error, bytes);
                             });
}

void TlsStream::close() noexcept {
    boost::system::error_code ignored;
    auto& socket = stream_.next_layer();
    socket.shutdown(boost::asio::ip::tcp::socket::shutdown_both, ignored);
    socket.close(ignored);
}

std::string TlsStream::remote_address() const {
    boost::system::error_code error;
    const auto endpoint = stream_.next_layer().remote_endpoint(error);
    return error ? std::string{} : format_endpoint(endpoint);
}

}  // namespace herald::net
