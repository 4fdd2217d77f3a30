// herald/net/tls.h
//
// TLS contexts (OpenSSL through boost::asio::ssl): one server context loaded from PEM files and
// shared by every connection of a listener; client contexts that verify the server by default.
// Owner: immutable after creation, any thread.
#pragma once

#include <memory>
#include <string>

#include <boost/asio/ssl/context.hpp>

namespace herald::net {

using TlsContext = boost::asio::ssl::context;
using TlsContextPtr = std::shared_ptr<TlsContext>;

struct TlsServerOptions {
    std::string cert_file;  // PEM certificate chain
    std::string key_file;   // PEM private key
};

struct TlsClientOptions {
    bool verify = true;   // check the chain and the host name; off only for tests
    std::string ca_file;  // PEM bundle to trust instead of the system store (empty: system)
};

// Both throw std::runtime_error naming the file or setting that failed (a startup error).
[[nodiscard]] TlsContextPtr make_server_tls_context(const TlsServerOptions& options);
[[nodiscard]] TlsContextPtr make_client_tls_context(const TlsClientOptions& options);

}  // namespace herald::net
