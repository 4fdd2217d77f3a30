// herald/webhooks/curl_transport.h
//
// HTTP POSTs through libcurl's multi interface, many at once on one thread. Connections stay open
// in the multi handle's cache between requests (keep-alive to each receiver). A request succeeds
// with a 2xx answer within its timeout (§9.2); anything else completes it with an error text.
// Redirects are not followed; only http and https are allowed; loopback receivers are reached
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

#include "herald/webhooks/outbound.h"

namespace herald::webhooks {

struct Completion {
    std::uint64_t id = 0;
    long status = 0;    // HTTP status, 0 when no answer came
    std::string error;  // empty on success

    [[nodiscard]] bool ok() const noexcept { return error.empty(); }
};

class CurlTransport {
public:
    CurlTransport();
    ~CurlTransport();
    CurlTransport(const CurlTransport&) = delete;
    CurlTransport& operator=(const CurlTransport&) = delete;

    // Starts POSTing `request` (its body is copied).
    void start(const Outbound& request, std::chrono::milliseconds timeout);

    // Runs transfers for at most `timeout` (less when one completes or wakeup() is called) and
    // returns what completed.
    std::vector<Completion> wait(std::chrono::milliseconds timeout);

    // Makes a wait() in progress (or the next one) return at once. Thread-safe.
    void wakeup();

    [[nodiscard]] std::size_t in_flight() const noexcept { return transfers_.size(); }

private:
    struct Transfer;

    void collect(std::vector<Completion>& done);

    void* multi_ = nullptr;  // CURLM*, kept out of this header
    std::unordered_map<void*, std::unique_ptr<Transfer>> transfers_;  // by CURL*
};

}  // namespace herald::webhooks
