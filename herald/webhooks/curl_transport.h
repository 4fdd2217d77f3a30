// herald/webhooks/curl_transport.h
//
// HTTP POSTs through libcurl, many at once on one thread (herald/curl's Multi). Connections stay
// open in the multi handle's cache between requests (keep-alive to each receiver). A request
// succeeds with a 2xx answer within its timeout (§9.2); anything else completes it with an error
// text. Redirects are not followed; only http and https are allowed; loopback receivers are reached
// directly even when a proxy is configured in the environment.
// Owner: the webhook thread, except wakeup(), which any thread may call.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "herald/curl/multi.h"
#include "herald/webhooks/transport.h"

namespace herald::webhooks {

class CurlTransport final : public Transport {
public:
    CurlTransport();
    ~CurlTransport();
    CurlTransport(const CurlTransport&) = delete;
    CurlTransport& operator=(const CurlTransport&) = delete;

    void start(const Outbound& request, std::chrono::milliseconds timeout) override;
    std::vector<Completion> wait(std::chrono::milliseconds timeout) override;
    void wakeup() override;

    [[nodiscard]] std::size_t in_flight() const noexcept { return transfers_.size(); }

private:
    struct Transfer;

    curl::Multi multi_;
    std::unordered_map<void*, std::unique_ptr<Transfer>> transfers_;  // by CURL*
};

}  // namespace herald::webhooks
