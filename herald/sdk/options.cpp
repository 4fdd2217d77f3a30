#include "herald/sdk/options.h"

#include <algorithm>
#include <cstdlib>
#include <fstream>

#include "herald/sdk/errors.h"
#include "herald/util/ascii.h"
#include "herald/util/base64.h"
#include "herald/util/parse.h"

namespace herald::sdk {

namespace {

constexpr std::size_t kMasterKeyBytes = 32;  // protocol.md §7.4, §7.9

[[noreturn]] void bad_url(const std::string& what) {
    throw ConfigurationError("invalid API URL: " + what +
                             " (expected http(s)://KEY:SECRET@HOST[:PORT]/apps/APP_ID)");
}

bool is_alnum(char c) noexcept {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// Letters, digits, '-', '.', '_' (DNS names and IPv4), or a bracketed IPv6 literal.
bool is_valid_host(std::string_view host) noexcept {
    if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
        return std::all_of(host.begin() + 1, host.end() - 1, [](char c) {
            return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') ||
                   c == ':' || c == '.';
        });
    }
    return !host.empty() && host.size() <= 253 && std::all_of(host.begin(), host.end(), [](char c) {
        return is_alnum(c) || c == '-' || c == '.' || c == '_';
    });
}

// App ids appear raw in every request path: keep them to characters that need no escaping.
bool is_valid_app_id(std::string_view id) noexcept {
    return !id.empty() && std::all_of(id.begin(), id.end(), [](char c) {
        return is_alnum(c) || c == '-' || c == '.' || c == '_' || c == '~';
    });
}

// "host[:port]" or "[v6][:port]" into the options; the host keeps its brackets (it goes into
// URLs as it is).
void parse_host_port(std::string_view text, Options& options) {
    const auto authority = util::split_authority(text);
    if (!authority) {
        bad_url(text.find(']') == std::string_view::npos ? "the IPv6 host has no closing ']'"
                                                         : "unexpected text after the IPv6 host");
    }
    const std::string host = authority->bracketed ? "[" + std::string(authority->host) + "]"
                                                  : std::string(authority->host);
    if (!is_valid_host(host)) {
        bad_url("the host '" + host + "' is not a valid host name or address");
    }
    options.host = host;
    if (authority->port) {
        const auto number = util::parse_port(*authority->port);
        if (!number || *number == 0) {
            bad_url("the port '" + std::string(*authority->port) +
                    "' is not a number from 1 to 65535");
        }
        options.port = *number;
    }
}

void parse_credentials(std::string_view userinfo, Options& options) {
    const auto colon = userinfo.find(':');
    if (colon == std::string_view::npos) {
        bad_url("the credentials need both KEY and SECRET, separated by ':'");
    }
    options.key = util::percent_decode(userinfo.substr(0, colon));
    options.secret = util::percent_decode(userinfo.substr(colon + 1));
    if (options.key.empty()) {
        bad_url("the KEY before ':' is empty");
    }
    if (options.secret.empty()) {
        bad_url("the SECRET after ':' is empty");
    }
}

void parse_path(std::string_view path, Options& options) {
    constexpr std::string_view kPrefix = "/apps/";
    std::string_view id = path.starts_with(kPrefix) ? path.substr(kPrefix.size()) : "";
    if (id.ends_with('/')) {
        id.remove_suffix(1);
    }
    if (!path.starts_with(kPrefix) || !is_valid_app_id(id)) {
        bad_url("the path must be /apps/APP_ID (an id of letters, digits, '-', '.', '_'), got '" +
                std::string(path) + "'");
    }
    options.app_id = std::string(id);
}

}  // namespace

std::string_view describe(LogLevel level) noexcept {
    switch (level) {
        case LogLevel::Debug:
            return "debug";
        case LogLevel::Info:
            return "info";
        case LogLevel::Warning:
            return "warning";
        case LogLevel::Error:
            return "error";
    }
    return "log";
}

Options Options::from_url(std::string_view url) {
    Options options;
    const auto scheme_end = url.find("://");
    const std::string scheme =
            util::to_lower(url.substr(0, scheme_end == std::string_view::npos ? 0 : scheme_end));
    if (scheme != "http" && scheme != "https") {
        bad_url("it must start with http:// or https://");
    }
    options.use_tls = scheme == "https";
    std::string_view rest = url.substr(scheme_end + 3);
    if (rest.find_first_of("?#") != std::string_view::npos) {
        bad_url("a query or fragment is not allowed");
    }
    const auto slash = rest.find('/');
    const std::string_view authority = rest.substr(0, slash);
    const std::string_view path = slash == std::string_view::npos ? "" : rest.substr(slash);
    const auto at = authority.rfind('@');
    if (at == std::string_view::npos) {
        bad_url("it has no KEY:SECRET@ before the host");
    }
    parse_credentials(authority.substr(0, at), options);
    parse_host_port(authority.substr(at + 1), options);
    parse_path(path, options);
    return options;
}

Options Options::from_env() {
    for (const char* name : {"HERALD_URL", "PUSHER_URL"}) {
        const char* value = std::getenv(name);  // NOLINT(concurrency-mt-unsafe): read at setup
        if (value == nullptr || *value == '\0') {
            continue;
        }
        try {
            return from_url(value);
        } catch (const ConfigurationError& e) {
            throw ConfigurationError(std::string(name) + ": " + e.what());
        }
    }
    throw ConfigurationError("neither HERALD_URL nor PUSHER_URL is set");
}

std::string Endpoint::base_url() const {
    const bool default_port =
            (scheme == "https" && port == 443) || (scheme == "http" && port == 80);
    std::string url = scheme + "://" + host;
    if (!default_port) {
        url.append(":").append(std::to_string(port));
    }
    return url;
}

Endpoint resolve_endpoint(const Options& options) {
    if (!is_valid_app_id(options.app_id)) {
        throw ConfigurationError(options.app_id.empty()
                                         ? "app_id is missing"
                                         : "app_id '" + options.app_id +
                                                   "' has characters other than letters, digits, "
                                                   "'-', '.', '_', '~'");
    }
    if (options.key.empty()) {
        throw ConfigurationError("key is missing");
    }
    if (options.key.find(':') != std::string::npos) {
        throw ConfigurationError("key must not contain ':' (auth strings are KEY:SIGNATURE)");
    }
    if (options.secret.empty()) {
        throw ConfigurationError("secret is missing");
    }
    Endpoint endpoint;
    if (!options.host.empty()) {
        endpoint.host = options.host;
    } else if (!options.cluster.empty()) {
        if (!std::all_of(options.cluster.begin(), options.cluster.end(),
                         [](char c) { return is_alnum(c) || c == '-'; })) {
            throw ConfigurationError("cluster '" + options.cluster +
                                     "' must be letters, digits and '-' (like mt1 or eu)");
        }
        endpoint.host = "api-" + options.cluster + ".pusher.com";
    } else {
        endpoint.host = std::string(kDefaultHost);
    }
    if (!is_valid_host(endpoint.host)) {
        throw ConfigurationError("host '" + endpoint.host +
                                 "' is not a host name or address (no scheme, port or path)");
    }
    endpoint.scheme = options.use_tls ? "https" : "http";
    endpoint.port = options.port.value_or(options.use_tls ? 443 : 80);
    if (endpoint.port == 0) {
        throw ConfigurationError("port 0 is not a port to connect to");
    }
    if (!options.encryption_master_key_base64.empty()) {
        const auto key = util::base64_decode(options.encryption_master_key_base64);
        if (!key || key->size() != kMasterKeyBytes) {
            throw ConfigurationError(
                    key ? "encryption_master_key_base64 decodes to " + std::to_string(key->size()) +
                                    " bytes, it must be 32"
                        : std::string("encryption_master_key_base64 is not valid base64"));
        }
    }
    if (options.timeout.count() <= 0 || options.connect_timeout.count() <= 0) {
        throw ConfigurationError("timeout and connect_timeout must be positive");
    }
    // Checked here, not at the first request, where libcurl would only say it could not load it.
    if (!options.ca_file.empty() && !std::ifstream(options.ca_file).good()) {
        throw ConfigurationError("ca_file '" + options.ca_file + "' cannot be read");
    }
    return endpoint;
}

}  // namespace herald::sdk
