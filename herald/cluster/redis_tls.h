// herald/cluster/redis_tls.h
//
// The TLS context of the links to Redis (rediss:// URLs): the server's certificate is checked
// against `ca_file` or the system store, and its name against the host the link dials (SNI is
// sent for a DNS name); a client certificate is presented when both files are set. `insecure=1`
// in the URL turns verification off, and is logged as a warning each time a context is made.
// Owner: none (the context is immutable and shared by every link).
#pragma once

#include <string>

#include "herald/cluster/redis_url.h"
#include "herald/net/tls.h"

namespace herald::cluster {

struct RedisTlsFiles {
    std::string ca_file;    // PEM bundle; empty: the system store
    std::string cert_file;  // client certificate chain, PEM; with key_file
    std::string key_file;

    friend bool operator==(const RedisTlsFiles&, const RedisTlsFiles&) = default;
};

// nullptr for a plain redis:// endpoint. Throws std::runtime_error naming the file that failed.
[[nodiscard]] net::TlsContextPtr redis_tls_context(const RedisEndpoint& endpoint,
                                                   const RedisTlsFiles& files);

}  // namespace herald::cluster
