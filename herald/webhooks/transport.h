// herald/webhooks/transport.h
//
// How the webhook thread sends a request: start() hands over one POST, wait() returns the ones
// that completed. The dispatcher's logic sees only this interface, so a test can answer requests
// by script (no sockets, no sleeping) while the server uses libcurl (curl_transport.h).
// Owner: the webhook thread, except wakeup(), which any thread may call.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "herald/webhooks/outbound.h"

namespace herald::webhooks {

struct Completion {
    std::uint64_t id = 0;  // the Outbound's id
    long status = 0;       // HTTP status, 0 when no answer came
    std::string error;     // empty on success (a 2xx answer within the timeout)

    [[nodiscard]] bool ok() const noexcept { return error.empty(); }
};

class Transport {
public:
    virtual ~Transport() = default;

    // Starts POSTing `request` (the body is copied); its Completion carries `request.id`.
    virtual void start(const Outbound& request, std::chrono::milliseconds timeout) = 0;

    // Returns what completed, waiting at most `timeout` for something to complete (less when
    // wakeup() is called, none when something completed already).
    virtual std::vector<Completion> wait(std::chrono::milliseconds timeout) = 0;

    // Makes a wait() in progress (or the next one) return at once. Thread-safe.
    virtual void wakeup() = 0;

protected:
    Transport() = default;
    Transport(const Transport&) = default;
    Transport& operator=(const Transport&) = default;
};

}  // namespace herald::webhooks
