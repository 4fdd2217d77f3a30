// herald/net/asio_impl.cpp
//
// The one translation unit that compiles Boost.Asio and its SSL support
// (BOOST_ASIO_SEPARATE_COMPILATION is set for every user of herald::net).
#include <utility>  // Asio 1.74 uses std::exchange without including it

#include <boost/asio/impl/src.hpp>
#include <boost/asio/ssl/impl/src.hpp>
