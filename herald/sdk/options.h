// herald/sdk/options.h
//
// How a client is configured: the app's credentials, where the REST API is (cluster, host, port,
// TLS), the HTTP settings (timeouts, proxy, certificate checks), the encryption master key and a
// logger. Options come from code, from a URL `http(s)://KEY:SECRET@HOST[:PORT]/apps/APP_ID`, or
// from the environment (HERALD_URL, else PUSHER_URL). `resolve_endpoint` applies the rules:
// an explicit host wins over the cluster (api-<cluster>.pusher.com), TLS is on by default and
// chooses the scheme and default port (https:443, http:80), an explicit port wins.
// Owner: a value type, copied into each client.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace herald::sdk {

enum class LogLevel : std::uint8_t {
    Debug,
    Info,
    Warning,
    Error
};

// Receives one line per event (a request sent, an answer, a failure). Called from the thread that
// made the call, or from the client's background thread for asynchronous calls: keep it quick
// and thread-safe. Secrets never appear in the text.
using Logger = std::function<void(LogLevel, std::string_view)>;

[[nodiscard]] std::string_view describe(LogLevel level) noexcept;

inline constexpr std::string_view kDefaultHost = "api.pusherapp.com";  // as the official SDKs
inline constexpr std::size_t kDefaultMaxEventDataBytes = 10 * 1024;    // protocol.md §6.9

struct Options {
    std::string app_id;
    std::string key;
    std::string secret;

    std::string cluster;                // "eu" gives api-eu.pusher.com (unless `host` is set)
    std::string host;                   // Herald's address, or any API host; wins over `cluster`
    std::optional<std::uint16_t> port;  // default 443 with TLS, 80 without
    bool use_tls = true;

    std::chrono::milliseconds timeout{10'000};         // a whole request, connection included
    std::chrono::milliseconds connect_timeout{5'000};  // the TCP (and TLS) connection alone
    std::string proxy;          // "http://host:port" (or any libcurl proxy URL); empty: none,
                                // whatever http_proxy/https_proxy say
    bool proxy_tunnel = false;  // CONNECT through the proxy even for http:// APIs
    bool verify_tls = true;     // certificate and host name checks; turn off only for testing
    std::string ca_file;        // extra CA bundle (PEM) for self-signed deployments

    // Base64 of 32 random bytes (`herald keygen` prints one): enables private-encrypted- channels.
    std::string encryption_master_key_base64;

    // Refuse event data above this many bytes before sending (0: no check); Herald's and hosted
    // Pusher's default limit is 10 KB.
    std::size_t max_event_data_bytes = kDefaultMaxEventDataBytes;

    Logger logger;

    // Seconds since the Unix epoch for auth_timestamp; empty: the system clock. Set it to sign
    // reproducibly in tests, or to correct a machine whose clock is off.
    std::function<std::int64_t()> clock;

    // `http(s)://KEY:SECRET@HOST[:PORT]/apps/APP_ID` (key and secret may be percent-encoded).
    // Only the URL's fields are set; the rest keep their defaults. Throws ConfigurationError that
    // names what is wrong (and never quotes the secret).
    [[nodiscard]] static Options from_url(std::string_view url);

    // From HERALD_URL, or PUSHER_URL when HERALD_URL is unset or empty. Throws ConfigurationError
    // when neither is set or the URL is invalid.
    [[nodiscard]] static Options from_env();
};

struct Endpoint {
    std::string scheme;  // "https" or "http"
    std::string host;    // as configured; an IPv6 literal is kept in brackets
    std::uint16_t port = 0;

    // "https://api-eu.pusher.com" (the port only when it is not the scheme's default).
    [[nodiscard]] std::string base_url() const;
};

// Checks `options` (credentials present, host and cluster well formed, master key 32 bytes, the
// CA file readable) and resolves where requests go. Throws ConfigurationError naming the first
// problem.
[[nodiscard]] Endpoint resolve_endpoint(const Options& options);

}  // namespace herald::sdk
