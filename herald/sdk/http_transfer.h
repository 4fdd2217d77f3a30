// herald/sdk/http_transfer.h
//
// One HTTP exchange through a libcurl easy handle: the settings every request shares (base URL,
// timeouts, proxy, TLS checks), the handle's set-up for one signed request, and the outcome
// (status and body, or why no answer came). The blocking pool (sync_http.h) and the background
// multi handle (async_http.h) both run transfers made here.
// Owner: a Transfer belongs to the thread that runs it.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "herald/sdk/request.h"
#include "herald/util/result.h"

struct curl_slist;  // libcurl's, declared here to keep <curl/curl.h> out of this header

namespace herald::sdk {

struct HttpSettings {
    std::string base_url;  // "http://127.0.0.1:6001"
    std::chrono::milliseconds timeout{10'000};
    std::chrono::milliseconds connect_timeout{5'000};
    std::string proxy;
    bool proxy_tunnel = false;
    bool verify_tls = true;
    std::string ca_file;
};

// An HTTP answer, whatever its status.
struct HttpAnswer {
    int status = 0;
    std::string body;
};

// Why no HTTP answer came.
struct NoAnswer {
    std::string reason;  // libcurl's explanation, with what to do about it where that is known
    bool timed_out = false;
};

using HttpResult = util::Result<HttpAnswer, NoAnswer>;

// The request and the buffers libcurl writes into, alive for the whole transfer.
class Transfer {
public:
    Transfer(const HttpSettings& settings, SignedRequest request);
    ~Transfer();
    Transfer(const Transfer&) = delete;
    Transfer& operator=(const Transfer&) = delete;

    // Points `easy` (a CURL*, fresh or reused) at this transfer.
    void attach(void* easy);

    // The outcome once libcurl finished with `code` (a CURLcode) on `easy`.
    [[nodiscard]] HttpResult finish(void* easy, int code) const;

    [[nodiscard]] const SignedRequest& request() const noexcept { return request_; }

private:
    // libcurl's `reason` for failing with `code` (a CURLcode), with what to do about it where
    // the fix is known (a certificate that is not trusted, a CA file that cannot be loaded).
    [[nodiscard]] std::string explain_failure(int code, const std::string& reason) const;
    static std::size_t on_body(char* data, std::size_t size, std::size_t count, void* self);

    const HttpSettings& settings_;
    SignedRequest request_;
    std::string url_;
    std::string response_;
    curl_slist* headers_ = nullptr;
    std::unique_ptr<char[]> error_;
};

}  // namespace herald::sdk
