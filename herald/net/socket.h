// herald/net/socket.h
//
// The TCP socket type of every stream: bound to an io_context's own executor rather than Asio's
// type-erased any_io_executor, which is 40 bytes larger in the socket and again in every
// operation pending on it (an idle connection always has one: its wait for readability).
// Owner: n/a (a type).
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

namespace herald::net {

using Socket = boost::asio::basic_stream_socket<boost::asio::ip::tcp,
                                                boost::asio::io_context::executor_type>;

}  // namespace herald::net
