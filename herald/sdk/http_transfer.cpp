#include "herald/sdk/http_transfer.h"

#include <curl/curl.h>

namespace herald::sdk {

namespace {

constexpr std::size_t kMaxResponseBytes = 8U << 20U;  // API answers are small; cap a bad server
constexpr const char* kLibraryHeader = "X-Pusher-Library: herald-sdk-cpp " HERALD_SDK_VERSION;

template <typename T>
void set(CURL* easy, CURLoption option, T value) {
    // Only programming errors (an unknown option) fail here; they surface at the first request.
    static_cast<void>(curl_easy_setopt(easy, option, value));
}

}  // namespace

Transfer::Transfer(const HttpSettings& settings, SignedRequest request)
    : settings_(settings),
      request_(std::move(request)),
      url_(settings.base_url + request_.target()),
      error_(std::make_unique<char[]>(CURL_ERROR_SIZE)) {
    headers_ = curl_slist_append(headers_, kLibraryHeader);
    headers_ = curl_slist_append(headers_, "Expect:");
    if (request_.method == "POST") {
        headers_ = curl_slist_append(headers_, "Content-Type: application/json");
    }
}

Transfer::~Transfer() {
    curl_slist_free_all(headers_);
}

void Transfer::attach(void* easy) {
    curl_easy_reset(easy);
    set(easy, CURLOPT_URL, url_.c_str());
    set(easy, CURLOPT_HTTPHEADER, headers_);
    set(easy, CURLOPT_ERRORBUFFER, error_.get());
    set(easy, CURLOPT_WRITEFUNCTION, &Transfer::on_body);
    set(easy, CURLOPT_WRITEDATA, this);
    set(easy, CURLOPT_NOSIGNAL, 1L);  // no SIGALRM for DNS timeouts: we run in any thread
    set(easy, CURLOPT_TCP_KEEPALIVE, 1L);
    set(easy, CURLOPT_TIMEOUT_MS, static_cast<long>(settings_.timeout.count()));
    set(easy, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(settings_.connect_timeout.count()));
#if LIBCURL_VERSION_NUM >= 0x075500  // 7.85 replaced the bit mask (now deprecated) by a string
    set(easy, CURLOPT_PROTOCOLS_STR, "http,https");
#else
    set(easy, CURLOPT_PROTOCOLS, static_cast<long>(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
    // An empty string turns off the http_proxy/https_proxy variables: only Options::proxy counts.
    set(easy, CURLOPT_PROXY, settings_.proxy.c_str());
    set(easy, CURLOPT_HTTPPROXYTUNNEL, settings_.proxy_tunnel ? 1L : 0L);
    set(easy, CURLOPT_SSL_VERIFYPEER, settings_.verify_tls ? 1L : 0L);
    set(easy, CURLOPT_SSL_VERIFYHOST, settings_.verify_tls ? 2L : 0L);
    if (!settings_.ca_file.empty()) {
        set(easy, CURLOPT_CAINFO, settings_.ca_file.c_str());
    }
    if (request_.method == "POST") {
        set(easy, CURLOPT_POST, 1L);
        set(easy, CURLOPT_POSTFIELDS, request_.body.data());
        set(easy, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request_.body.size()));
    } else {
        set(easy, CURLOPT_HTTPGET, 1L);
    }
    error_[0] = '\0';
}

HttpResult Transfer::finish(void* easy, int code) const {
    const auto curl_code = static_cast<CURLcode>(code);
    if (curl_code != CURLE_OK) {
        return util::unexpected(NoAnswer{
                explain_failure(curl_code,
                                error_[0] != '\0' ? error_.get() : curl_easy_strerror(curl_code)),
                curl_code == CURLE_OPERATION_TIMEDOUT});
    }
    long status = 0;
    curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
    return HttpAnswer{static_cast<int>(status), response_};
}

std::string Transfer::explain_failure(int code, const std::string& reason) const {
    switch (static_cast<CURLcode>(code)) {
        case CURLE_WRITE_ERROR:
            return response_.size() >= kMaxResponseBytes ? "the answer is larger than 8 MiB"
                                                         : reason;
        case CURLE_PEER_FAILED_VERIFICATION:  // an unknown CA, an expired or mismatched certificate
            return "the server's TLS certificate is not trusted (" + reason +
                   "): give the CA that signed it as ca_file (herald: --ca-file), or turn "
                   "verification off for testing only (verify_tls = false, herald: --insecure)";
        case CURLE_SSL_CACERT_BADFILE:
            return (settings_.ca_file.empty() ? std::string("the system's CA certificates")
                                              : "the CA file '" + settings_.ca_file + "'") +
                   " could not be loaded (" + reason + ")";
        default:
            return reason;
    }
}

std::size_t Transfer::on_body(char* data, std::size_t size, std::size_t count, void* self) {
    auto& response = static_cast<Transfer*>(self)->response_;
    if (response.size() + size * count > kMaxResponseBytes) {
        response.resize(kMaxResponseBytes);
        return 0;  // libcurl stops with CURLE_WRITE_ERROR
    }
    response.append(data, size * count);
    return size * count;
}

}  // namespace herald::sdk
