// herald/web/response_stream.h
//
// One HTTP response written as it goes: the head when the stream starts, then bytes as the
// handler writes them (chunked for an HTTP/1.1 client, delimited by the end of the connection
// for HTTP/1.0), and the end on close(). The connection ends with the response. For long-lived
// answers whose format is the handler's (pusher-js's xhr_streaming); Server-Sent Events have
// their own EventStream. on_close fires once when the client goes away or the stream ends; a
// stream whose queue passes its cap (a client that does not read) is dropped at once.
// Owner: its worker. Every method except post() must be called on that worker's thread.
#pragma once

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

struct ResponseStreamOptions {
    std::size_t max_queued_bytes = 16 * 1024 * 1024;  // queued memory before the stream drops
};

class ResponseStream final : public net::Session, public net::ListHook<ConnectionsTag> {
public:
    // The stream has just carried `request`; the head goes out when the stream starts.
    ResponseStream(net::Worker& worker, net::StreamPtr stream, const http::Request& request,
                   ResponseStreamOptions options);
    ~ResponseStream() override;

    // The head's fields (Content-Type ...), before start(); framing fields are the stream's.
    void set_header(std::string name, std::string value);

    // Each returns false (and writes nothing) once the stream is closed or over its queue cap.
    bool write(std::string_view bytes);

    // Ends the response after what is queued has been written.
    void close();

    void on_close(std::function<void()> handler) { on_close_ = std::move(handler); }

    [[nodiscard]] bool is_open() const noexcept { return open_; }

    // True when the stream was dropped for passing its queue cap (the client did not read).
    [[nodiscard]] bool overflowed() const noexcept { return overflowed_; }

    [[nodiscard]] std::string_view url() const noexcept { return head_.target(); }

    [[nodiscard]] std::string_view path() const noexcept { return head_.path(); }

    [[nodiscard]] std::optional<std::string_view> header(std::string_view name) const {
        return head_.header(name);
    }

    // Runs fn(ResponseStream&) on this stream's worker; callable from any thread.
    template <class Fn>
    void post(Fn&& fn) {
        worker().post([self = shared(), fn = std::forward<Fn>(fn)]() mutable { fn(*self); });
    }

    // Writes the head and starts watching for the client going away.
    void start();

    // Joins a server's per-worker registry until the stream ends.
    void join(std::shared_ptr<Connections> registry);

private:
    std::shared_ptr<ResponseStream> shared();

    util::ByteQueue& outgoing() override { return out_; }

    void on_bytes(std::span<char> data) override;
    void on_closed(const std::error_code& reason) override;

    util::ByteQueue out_;
    ws::RequestHead head_;
    http::Response response_head_;
    std::function<void()> on_close_;
    std::shared_ptr<Connections> registry_;
    ResponseStreamOptions options_;
    bool chunked_ = false;
    bool open_ = true;
    bool started_ = false;
    bool overflowed_ = false;
};

using ResponseStreamPtr = std::shared_ptr<ResponseStream>;

}  // namespace herald::web
