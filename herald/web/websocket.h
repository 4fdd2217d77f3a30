// herald/web/websocket.h
//
// One WebSocket connection over net (server or client side): the sans-I/O ws::Peer driven by a
// net::Session. The API follows the familiar event style: on_open / on_message / on_close /
// on_error callbacks, send(), ping(), close(). The close handshake is run properly (RFC 6455
// §7): after our close frame we wait for the other side's (bounded by close_timeout); a server
// closes TCP once the handshake is done; a protocol violation sends the ws::Peer's close frame and
// then closes. on_close fires exactly once, with 1006 when the connection dropped without a close
// frame. Idle connections hold no read buffer and no timer (the worker's buffer and tick).
// Owner: its worker. Every method except post() must be called on that worker's thread.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "herald/http/message.h"
#include "herald/net/intrusive_list.h"
#include "herald/net/session.h"
#include "herald/ws/broadcast.h"
#include "herald/ws/peer.h"
#include "herald/ws/request_head.h"

namespace herald::web {

enum class ReadyState : std::uint8_t {
    Connecting,  // client: connecting or waiting for the handshake response
    Open,
    Closing,  // our close frame is sent; waiting for the other side's
    Closed,
};

struct Message {
    bool binary = false;
    std::string_view data;  // valid during the callback only: copy what you keep

    [[nodiscard]] bool is_text() const noexcept { return !binary; }
};

// Limits and timeouts of one connection (a server shares one copy among its connections).
// A zero duration switches that check off.
struct SessionOptions {
    std::size_t max_queued_bytes = 16 * 1024 * 1024;  // queued memory before the connection drops
    std::uint16_t overflow_close_code = 1008;         // reported when it drops for that reason
    std::chrono::milliseconds idle_timeout{0};        // nothing received for this long: close
    std::chrono::milliseconds ping_interval{0};       // quiet this long: we ping
    std::chrono::milliseconds pong_timeout{10000};    // ... and close if nothing comes back
    std::chrono::milliseconds close_timeout{5000};    // wait for the close handshake this long
};

struct ConnectionsTag;  // the hook of a server's per-worker registry
class Connections;      // connections.h

class WebSocket final : public net::Session, public net::ListHook<ConnectionsTag> {
public:
    using OpenHandler = std::function<void()>;
    using MessageHandler = std::function<void(const Message&)>;
    using CloseHandler = std::function<void(std::uint16_t code, std::string_view reason)>;
    using ErrorHandler = std::function<void(std::string_view message)>;
    using OverflowHandler = std::function<void()>;

    // What the server side knows after a successful opening handshake.
    struct Accepted {
        ws::PeerOptions peer;
        std::string protocol;
        const http::Request* request = nullptr;                 // copied: target and fields
        const std::vector<std::string>* kept_fields = nullptr;  // set: only these fields
        util::SharedBytes response;  // the 101, queued before anything else
        std::shared_ptr<const SessionOptions> options;
    };

    struct ClientPhase;  // client handshake state, defined in client.cpp

    // Server side: the stream has just carried a valid upgrade request. The connection is open
    // (sends are queued behind the 101); start_server() starts it.
    WebSocket(net::Worker& worker, net::StreamPtr stream, Accepted accepted);
    // Client side, not yet connected (client.cpp).
    WebSocket(net::Worker& worker, std::string url, std::shared_ptr<const SessionOptions> options,
              std::unique_ptr<ClientPhase> phase);
    ~WebSocket() override;

    // What an owner that is an object anyway hears from its connections: the alternative to the
    // five callbacks below, at one pointer per connection instead of five std::functions (each
    // also a heap block when it captures a shared_ptr). One handler may serve many connections:
    // every call says which. The connection holds its handler until on_close has run.
    class Handler {
    public:
        Handler() = default;
        Handler(const Handler&) = delete;
        Handler& operator=(const Handler&) = delete;
        virtual ~Handler() = default;

        virtual void on_open(WebSocket& /*socket*/) {}

        virtual void on_message(WebSocket& /*socket*/, const Message& /*message*/) {}

        virtual void on_close(WebSocket& /*socket*/, std::uint16_t /*code*/,
                              std::string_view /*reason*/) {}

        virtual void on_error(WebSocket& /*socket*/, std::string_view /*message*/) {}

        // The queue passed max_queued_bytes; unless the handler closes the connection, it is
        // dropped at once with overflow_close_code.
        virtual void on_overflow(WebSocket& /*socket*/) {}
    };

    // Replaces the handler, and with it any callbacks set before.
    void set_handler(std::shared_ptr<Handler> handler) noexcept {
        handler_ = std::move(handler);
        callbacks_ = nullptr;
    }

    // The callbacks: each replaces a handler set with set_handler().
    void on_open(OpenHandler handler);
    void on_message(MessageHandler handler);
    void on_close(CloseHandler handler);
    void on_error(ErrorHandler handler);
    // Called when the queue passes max_queued_bytes; without it (or if it leaves the connection
    // open) the connection is dropped at once with overflow_close_code.
    void on_overflow(OverflowHandler handler);

    // Each returns false (and sends nothing) unless the connection is open.
    bool send(std::string_view text);
    bool send_binary(std::string_view bytes);
    bool send(const ws::Broadcast& message);  // queues the shared frame: no copy per connection
    // send(message) for a sender with nothing more for this connection in this turn: when nothing
    // is queued, the frame goes to the kernel at once (net::Session::write_through).
    bool send_now(const ws::Broadcast& message);
    // Ask for the lines send_now() reads to be loaded: the socket's own, without reading any
    // (util::prefetch); then its stream's, which reads the socket.
    void prefetch_send_path() const noexcept;
    using Session::prefetch_stream;

    // `on_pong` runs when a pong with the same payload arrives.
    bool ping(std::string_view payload = {}, std::function<void()> on_pong = {});

    // Starts the close handshake; an invalid code becomes 1000. Ignored unless open (a
    // connecting client is abandoned).
    void close(std::uint16_t code = 1000, std::string_view reason = {});

    [[nodiscard]] ReadyState ready_state() const noexcept { return state_; }

    [[nodiscard]] const std::string& protocol() const noexcept;

    [[nodiscard]] static constexpr int version() noexcept { return 13; }

    // Server side: the request target (path and query); client side: the URL connected to.
    [[nodiscard]] std::string_view url() const noexcept { return head_.target(); }

    [[nodiscard]] std::string_view path() const noexcept { return head_.path(); }

    // Server side: the opening request's fields (none on the client side).
    [[nodiscard]] std::optional<std::string_view> header(std::string_view name) const {
        return head_.header(name);
    }

    [[nodiscard]] http::Fields headers() const { return head_.headers(); }

    [[nodiscard]] std::optional<ws::DeflateParams> deflate() const;

    // Bytes queued and not yet written to the socket.
    [[nodiscard]] std::size_t buffered_amount() const noexcept;

    // What the queue costs in memory (util::ByteQueue::footprint_bytes): what max_queued_bytes
    // limits. Past half of it, reading stops until the queue is written out.
    [[nodiscard]] std::size_t queued_footprint() const noexcept;

    // Lowers this connection's max_queued_bytes below the shared options' (e.g. per tenant);
    // never raises it.
    void limit_queued_bytes(std::size_t max) noexcept {
        max_queued_bytes_ = std::min(max, options_->max_queued_bytes);
    }

    // Runs fn(WebSocket&) on this connection's worker; callable from any thread.
    template <class Fn>
    void post(Fn&& fn) {
        worker().post([self = shared(), fn = std::forward<Fn>(fn)]() mutable { fn(*self); });
    }

    // Server side: fires on_open, feeds `early` (bytes that came right behind the request) and
    // starts reading.
    void start_server(std::span<char> early);

    // Client side: connects (client.cpp). Called once, on the worker.
    void start_client();

    // Joins a server's per-worker registry until the connection ends.
    void join(std::shared_ptr<Connections> registry);

private:
    struct PendingPing {
        std::string payload;
        std::function<void()> done;
    };

    class Callbacks;  // the Handler behind on_open() and the other callback setters

    Callbacks& callbacks();

    std::shared_ptr<WebSocket> shared();
    [[nodiscard]] bool sendable() const noexcept;
    util::ByteQueue& outgoing() override;
    void on_bytes(std::span<char> data) override;
    void on_closed(const std::error_code& reason) override;
    void on_tick(net::Clock::time_point now) override;
    void on_drained() override;

    void receive(std::span<char> data);
    // Handles up to a turn's worth of frames from the front of `data`; returns what is left.
    std::span<char> handle_frames(std::span<char> data);
    void handle_held();
    void release_held() noexcept;
    void pace_input();
    void handle(const ws::DecodeEvent& event);
    void handle_pong(std::string_view payload);
    void after_receive();
    void after_send();
    void overflow();
    void drop(std::uint16_t code, std::string_view reason);
    void fail_connecting(std::string_view message, bool report = true);
    void open(std::span<char> early);
    void tick_open(net::Clock::time_point now);
    void report_error(std::string_view message);
    void finish(std::uint16_t code, std::string_view reason);

    // client.cpp
    void connected(const std::error_code& error, net::StreamPtr stream);
    void handshake_bytes(std::span<char> data);

    std::shared_ptr<const SessionOptions> options_;
    std::size_t max_queued_bytes_ = options_->max_queued_bytes;  // after options_, see above
    // What a send reads sits together, from options_ to the ws::Peer's first lines: a broadcast
    // prefetches those lines (prefetch_send_path).
    ReadyState state_ = ReadyState::Connecting;
    bool server_side_ = false;
    bool ping_outstanding_ = false;
    bool close_seen_ = false;  // the ws::Peer finished (or failed) the close handshake
    bool dropped_ = false;     // we ended it ourselves: report the ws::Peer's close code
    bool overflowed_ = false;  // the queue passed its cap: nothing more is queued
    bool held_turn_posted_ = false;
    std::unique_ptr<util::ByteQueue> pre_open_;  // client: the request, before the ws::Peer
    std::optional<ws::Peer> peer_;
    std::unique_ptr<ClientPhase> client_;
    ws::RequestHead head_;
    std::unique_ptr<const std::string> protocol_;  // null: none (most connections)
    std::vector<PendingPing> pings_;
    // Input read but not yet handled (a turn handles a bounded number of frames), from held_from_.
    std::string held_;
    std::size_t held_from_ = 0;
    std::shared_ptr<Handler> handler_;
    Callbacks* callbacks_ = nullptr;  // handler_ when it is the callbacks' own
    std::shared_ptr<Connections> registry_;
    net::Clock::time_point last_seen_{};    // last bytes received
    net::Clock::time_point state_since_{};  // ping sent, closing started, or connect started
};

using WebSocketPtr = std::shared_ptr<WebSocket>;

}  // namespace herald::web
