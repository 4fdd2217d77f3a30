// herald/net/tls.cpp
#include "herald/net/tls.h"

#include <stdexcept>

namespace herald::net {
namespace {

constexpr auto kContextOptions = TlsContext::default_workarounds | TlsContext::no_sslv2 |
                                 TlsContext::no_sslv3 | TlsContext::no_tlsv1 |
                                 TlsContext::no_tlsv1_1 | TlsContext::single_dh_use;

[[noreturn]] void fail(const std::string& what, const boost::system::error_code& error) {
    throw std::runtime_error("tls: " + what + ": " + error.message());
}

}  // namespace

TlsContextPtr make_server_tls_context(const TlsServerOptions& options) {
    auto context = std::make_shared<TlsContext>(TlsContext::tls_server);
    boost::system::error_code error;
    context->set_options(kContextOptions, error);
    context->use_certificate_chain_file(options.cert_file, error);
    if (error) {
        fail("certificate " + options.cert_file, error);
    }
    context->use_private_key_file(options.key_file, TlsContext::pem, error);
    if (error) {
        fail("private key " + options.key_file, error);
    }
    return context;
}

TlsContextPtr make_client_tls_context(const TlsClientOptions& options) {
    auto context = std::make_shared<TlsContext>(TlsContext::tls_client);
    boost::system::error_code error;
    context->set_options(kContextOptions, error);
    if (!options.verify) {
        context->set_verify_mode(boost::asio::ssl::verify_none);
        return context;
    }
    context->set_verify_mode(boost::asio::ssl::verify_peer);
    if (!options.ca_file.empty()) {
        context->load_verify_file(options.ca_file, error);
        if (error) {
            fail("CA file " + options.ca_file, error);
        }
    } else {
        context->set_default_verify_paths(error);
        if (error) {
            fail("system trust store", error);
        }
    }
    return context;
}

}  // namespace herald::net
