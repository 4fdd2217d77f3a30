// herald/web/connections.h
//
// One worker's open WebSockets, event streams and response streams of one server: what a broadcast
// walks. Sessions join when they open and leave when they end, so a walk touches only live
// connections. Owner: its worker (every method on that thread). Shared by the server and its
// sessions.
#pragma once

#include <atomic>
#include <cstddef>

#include "herald/net/intrusive_list.h"
#include "herald/net/worker.h"
#include "herald/util/assert.h"
#include "herald/web/event_stream.h"
#include "herald/web/response_stream.h"
#include "herald/web/websocket.h"

namespace herald::web {

class Connections {
public:
    explicit Connections(net::Worker& worker) : worker_(worker) {}

    [[nodiscard]] net::Worker& worker() const noexcept { return worker_; }

    // fn(WebSocket&) for each open WebSocket; `fn` may close or send.
    template <class Fn>
    void for_each(Fn&& fn) {
        HERALD_ASSERT_OWNER(worker_.owner());
        websockets_.for_each(fn);
    }

    // fn(EventStream&) for each open event stream.
    template <class Fn>
    void for_each_event_stream(Fn&& fn) {
        HERALD_ASSERT_OWNER(worker_.owner());
        event_streams_.for_each(fn);
    }

    // fn(ResponseStream&) for each open response stream.
    template <class Fn>
    void for_each_response_stream(Fn&& fn) {
        HERALD_ASSERT_OWNER(worker_.owner());
        response_streams_.for_each(fn);
    }

    [[nodiscard]] std::size_t size() const noexcept { return websockets_.size(); }

    [[nodiscard]] std::size_t event_stream_count() const noexcept { return event_streams_.size(); }

    // The same two counts, readable from any thread (a snapshot).
    [[nodiscard]] std::size_t size_snapshot() const noexcept {
        return websocket_count_.load(std::memory_order_relaxed);
    }

    [[nodiscard]] std::size_t event_stream_snapshot() const noexcept {
        return event_stream_count_.load(std::memory_order_relaxed);
    }

    [[nodiscard]] std::size_t response_stream_snapshot() const noexcept {
        return response_stream_count_.load(std::memory_order_relaxed);
    }

    void add(WebSocket& item) noexcept {
        HERALD_ASSERT_OWNER(worker_.owner());
        websockets_.push_back(item);
        websocket_count_.store(websockets_.size(), std::memory_order_relaxed);
    }

    // Leaving when already gone touches nothing: a connection's last owner may be another thread.
    void remove(WebSocket& item) noexcept {
        HERALD_ASSERT(!is_linked(item) || worker_.owner().is_current());
        websockets_.remove(item);
        websocket_count_.store(websockets_.size(), std::memory_order_relaxed);
    }

    void add(EventStream& item) noexcept {
        HERALD_ASSERT_OWNER(worker_.owner());
        event_streams_.push_back(item);
        event_stream_count_.store(event_streams_.size(), std::memory_order_relaxed);
    }

    void remove(EventStream& item) noexcept {
        HERALD_ASSERT(!is_linked(item) || worker_.owner().is_current());
        event_streams_.remove(item);
        event_stream_count_.store(event_streams_.size(), std::memory_order_relaxed);
    }

    void add(ResponseStream& item) noexcept {
        HERALD_ASSERT_OWNER(worker_.owner());
        response_streams_.push_back(item);
        response_stream_count_.store(response_streams_.size(), std::memory_order_relaxed);
    }

    void remove(ResponseStream& item) noexcept {
        HERALD_ASSERT(!is_linked(item) || worker_.owner().is_current());
        response_streams_.remove(item);
        response_stream_count_.store(response_streams_.size(), std::memory_order_relaxed);
    }

private:
    [[nodiscard]] static bool is_linked(const net::ListHook<ConnectionsTag>& hook) noexcept {
        return hook.linked();
    }

    net::Worker& worker_;
    net::IntrusiveList<WebSocket, ConnectionsTag> websockets_;
    net::IntrusiveList<EventStream, ConnectionsTag> event_streams_;
    net::IntrusiveList<ResponseStream, ConnectionsTag> response_streams_;
    std::atomic<std::size_t> websocket_count_{0};
    std::atomic<std::size_t> event_stream_count_{0};
    std::atomic<std::size_t> response_stream_count_{0};
};

}  // namespace herald::web
