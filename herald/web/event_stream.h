// herald/web/event_stream.h
//
// One Server-Sent Events response kept open (HTML Living Standard §9.2): send() writes events,
// comment() writes keep-alive comments (also sent by themselves when the stream has been quiet for
// the keep-alive interval, on the worker's tick), last_event_id() is what a reconnecting client
// asks to resume from. on_close fires once when the client goes away or the stream is closed.
// Owner: its worker. Every method except post() must be called on that worker's thread.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "herald/http/message.h"
#include "herald/net/intrusive_list.h"
#include "herald/net/session.h"
#include "herald/ws/request_head.h"

namespace herald::web {

struct ConnectionsTag;
class Connections;

struct EventStreamOptions {
    std::chrono::milliseconds keepalive{15000};       // a comment after this long without output
    std::size_t max_queued_bytes = 16 * 1024 * 1024;  // queued memory before the stream drops
};

class EventStream final : public net::Session, public net::ListHook<ConnectionsTag> {
public:
    // The stream has just carried `request`; the response head is queued at once.
    EventStream(net::Worker& worker, net::StreamPtr stream, const http::Request& request,
                EventStreamOptions options);
    ~EventStream() override;

    // Each returns false (and sends nothing) once the stream is closed or over its queue cap.
    bool send(std::string_view data, std::string_view event = {}, std::string_view id = {},
              std::optional<std::chrono::milliseconds> retry = std::nullopt);
    bool comment(std::string_view text = {});

    // Ends the response after what is queued has been written.
    void close();

    void on_close(std::function<void()> handler) { on_close_ = std::move(handler); }

    [[nodiscard]] bool is_open() const noexcept { return open_; }

    // The Last-Event-ID request field; empty when the client sent none.
    [[nodiscard]] const std::string& last_event_id() const noexcept { return last_event_id_; }

    [[nodiscard]] std::string_view url() const noexcept { return head_.target(); }

    [[nodiscard]] std::string_view path() const noexcept { return head_.path(); }

    [[nodiscard]] std::optional<std::string_view> header(std::string_view name) const {
        return head_.header(name);
    }

    [[nodiscard]] std::size_t buffered_amount() const noexcept { return out_.size_bytes(); }

    // Runs fn(EventStream&) on this stream's worker; callable from any thread.
    template <class Fn>
    void post(Fn&& fn) {
        worker().post([self = shared(), fn = std::forward<Fn>(fn)]() mutable { fn(*self); });
    }

    // Starts writing and watching for the client going away.
    void start();

    // Joins a server's per-worker registry until the stream ends.
    void join(std::shared_ptr<Connections> registry);

private:
    std::shared_ptr<EventStream> shared();

    util::ByteQueue& outgoing() override { return out_; }

    void on_bytes(std::span<char> data) override;
    void on_closed(const std::error_code& reason) override;
    void on_tick(net::Clock::time_point now) override;
    bool queue(std::string bytes);

    util::ByteQueue out_;
    ws::RequestHead head_;
    std::string last_event_id_;
    std::function<void()> on_close_;
    std::shared_ptr<Connections> registry_;
    EventStreamOptions options_;
    net::Clock::time_point last_write_{};
    bool open_ = true;
};

using EventStreamPtr = std::shared_ptr<EventStream>;

}  // namespace herald::web
