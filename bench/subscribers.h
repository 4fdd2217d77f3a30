// bench/subscribers.h
//
// The subscribing side of the Pusher server benchmark: many client WebSockets on one epoll. Each
// opens (RFC 6455 §4.1); with the Pusher protocol it then waits for
// pusher:connection_established, sends pusher:subscribe for the channel "bench" (or for one of
// `channels` channels "bench-K"; a masked frame, §5.3) and waits for
// pusher_internal:subscription_succeeded (protocol.md §4.4), unless only the handshake is measured;
// with the raw protocol (the ceiling program) the opening handshake is all. Open connections count
// the frames they receive from their headers (server frames are unmasked, §5.1) and, while
// recording, read the latency stamp at kStampOffset of each payload. Owner: the load program's one
// thread.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "bench/bench_support.h"

namespace herald::bench {

enum class Protocol : std::uint8_t {
    Raw,     // a WebSocket to /bench, nothing more (bench_ceiling)
    Pusher,  // /app/{key}?protocol=7, then the subscription (herald serve)
};

struct SubscriberOptions {
    std::string host = "127.0.0.1";
    std::uint16_t port = 0;
    std::vector<std::uint16_t> spread;  // non-empty: connection i goes to spread[i % size] (nodes)
    Protocol protocol = Protocol::Pusher;
    std::string app_key;
    std::vector<std::string> more_keys;  // non-empty: connection i uses keys[i % size] instead
    std::size_t channels = 1;  // over 1: connection i subscribes to "bench-{i % channels}" instead
    bool subscribe = true;     // false: a connection is open once connection_established arrives
};

class Subscribers {
public:
    Subscribers(SubscriberOptions options, int epoll, std::size_t capacity);
    ~Subscribers();
    Subscribers(const Subscribers&) = delete;
    Subscribers& operator=(const Subscribers&) = delete;

    // Starts one more connection; its epoll tag is its index.
    void start_connect();

    void handle(std::uint64_t tag, std::uint32_t events);

    [[nodiscard]] std::size_t started() const noexcept { return connections_.size(); }

    // Connections that finished every handshake step (and are not closed).
    [[nodiscard]] std::size_t open() const noexcept { return open_ - closed_; }

    [[nodiscard]] std::size_t closed() const noexcept { return closed_; }

    [[nodiscard]] std::uint64_t frames() const noexcept { return frames_; }

    [[nodiscard]] std::uint64_t reads() const noexcept { return reads_; }

    // From now on, a frame whose stamp lies in [from, to) (steady-clock nanoseconds) adds its
    // arrival time minus its stamp to samples().
    void record(std::uint64_t from, std::uint64_t to);

    [[nodiscard]] std::vector<std::uint64_t>& samples() noexcept { return samples_; }

private:
    enum class Stage : std::uint8_t {
        Connecting,
        Upgrading,
        Establishing,
        Subscribing,
        Open,
        Closed
    };

    struct Connection {
        int fd = -1;
        Stage stage = Stage::Connecting;
        bool in_payload = false;
        bool stamp_ok = false;
        std::uint8_t opcode = 0;
        std::uint8_t header_size = 0;  // bytes of a split frame header held in `header`
        std::array<std::uint8_t, 14> header{};
        std::uint64_t remaining = 0;  // payload bytes of the current frame still to come
        std::uint64_t position = 0;   // payload bytes of the current frame already seen
        std::uint64_t stamp = 0;
        std::string text;  // the handshake response, then each Pusher handshake message
    };

    void send_request(Connection& c, std::uint64_t tag);
    void receive(Connection& c);
    std::string_view upgrade(Connection& c, std::string_view bytes);
    void consume(Connection& c, std::string_view bytes, std::uint64_t now);
    void read_header(Connection& c, std::string_view& bytes);
    void read_stamp(Connection& c, std::string_view chunk) const;
    void end_frame(Connection& c, std::uint64_t now);
    void pusher_step(Connection& c);
    void close_connection(Connection& c);

    SubscriberOptions options_;
    int epoll_;
    std::vector<std::string> requests_;  // one opening request per app key
    std::string subscribe_frame_;
    std::vector<Connection> connections_;
    std::size_t open_ = 0;
    std::size_t closed_ = 0;
    std::uint64_t frames_ = 0;
    std::uint64_t reads_ = 0;
    bool recording_ = false;
    std::uint64_t record_from_ = 0;
    std::uint64_t record_to_ = 0;
    std::vector<std::uint64_t> samples_;
    std::array<char, 65536> buffer_{};
};

}  // namespace herald::bench
