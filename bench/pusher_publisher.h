// bench/pusher_publisher.h
//
// The publisher of the Pusher server benchmark: triggers events through the REST API
// (protocol.md §8.4 and §8.5, signed as §8.2), one request per TCP connection (herald serve
// answers each with Connection: close), several requests in flight, all non-blocking on the
// caller's epoll. Every event's data string is the data of bench_payload(message_bytes) with the
// send time stamped at its start, so the envelope a subscriber receives is byte for byte the
// ceiling's frame but for the stamp's digits.
// Owner: the load program's one thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "bench/bench_support.h"

namespace herald::bench {

struct PublisherOptions {
    std::string host = "127.0.0.1";
    std::uint16_t port = 0;
    std::string app_id;
    std::string app_key;
    std::string app_secret;
    std::size_t message_bytes = 100;  // of the envelope a subscriber receives
    std::size_t batch = 1;            // events per request: 1 uses /events, more /batch_events
    std::size_t max_in_flight = 8;    // requests started and not yet answered
};

class Publisher {
public:
    // The epoll tag of a request is kTag | its slot; subscribers use smaller tags.
    static constexpr std::uint64_t kTag = std::uint64_t{1} << 62U;

    Publisher(PublisherOptions options, int epoll);
    ~Publisher();
    Publisher(const Publisher&) = delete;
    Publisher& operator=(const Publisher&) = delete;

    [[nodiscard]] bool can_trigger() const noexcept { return in_flight_ < slots_.size(); }

    // Starts one request of `batch` events stamped now. Requires can_trigger().
    void trigger();

    // An epoll event whose tag has kTag set.
    void handle(std::uint64_t tag, std::uint32_t events);

    [[nodiscard]] std::uint64_t events_triggered() const noexcept { return triggered_; }

    [[nodiscard]] std::uint64_t events_accepted() const noexcept { return accepted_; }

    [[nodiscard]] std::size_t in_flight() const noexcept { return in_flight_; }

private:
    struct Request {
        int fd = -1;
        bool sent = false;
        std::size_t written = 0;
        std::string bytes;     // the whole HTTP request
        std::string response;  // read until the server closes
    };

    [[nodiscard]] std::string body(std::uint64_t stamp) const;
    [[nodiscard]] std::string http_request(const std::string& body) const;
    void send(Request& request, std::uint64_t tag);
    void receive(Request& request);
    void finish(Request& request);

    PublisherOptions options_;
    int epoll_;
    std::string path_;
    std::string data_;  // the data string, stamp digits first
    std::vector<Request> slots_;
    std::size_t in_flight_ = 0;
    std::uint64_t triggered_ = 0;
    std::uint64_t accepted_ = 0;
};

}  // namespace herald::bench
