// herald/cluster/redis_tls.cpp
#include "herald/cluster/redis_tls.h"

#include <stdexcept>

#include <spdlog/spdlog.h>

namespace herald::cluster {

namespace {

void load_client_certificate(net::TlsContext& context, const RedisTlsFiles& files) {
    if (files.cert_file.empty() && files.key_file.empty()) {
        return;
    }
    if (files.cert_file.empty() || files.key_file.empty()) {
        throw std::runtime_error(
                "redis_cert_file and redis_key_file: a client certificate needs both");
    }
    boost::system::error_code error;
    context.use_certificate_chain_file(files.cert_file, error);
    if (error) {
        throw std::runtime_error("redis_cert_file " + files.cert_file + ": " + error.message());
    }
    context.use_private_key_file(files.key_file, net::TlsContext::pem, error);
    if (error) {
        throw std::runtime_error("redis_key_file " + files.key_file + ": " + error.message());
    }
}

}  // namespace

net::TlsContextPtr redis_tls_context(const RedisEndpoint& endpoint, const RedisTlsFiles& files) {
    if (!endpoint.tls) {
        return nullptr;
    }
    if (!endpoint.verify) {
        spdlog::warn(
                "cluster: TLS to Redis at {} does not verify the server's certificate "
                "(insecure=1): anyone on the path can read and change the cluster's traffic",
                describe(endpoint));
    }
    net::TlsClientOptions options;
    options.verify = endpoint.verify;
    options.ca_file = files.ca_file;
    auto context = net::make_client_tls_context(options);
    load_client_certificate(*context, files);
    return context;
}

}  // namespace herald::cluster
