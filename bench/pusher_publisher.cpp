#include "bench/pusher_publisher.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <ctime>
#include <string_view>
#include <utility>

#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "herald/pusher/rest_signature.h"

namespace herald::bench {
namespace {

constexpr std::string_view kOk = "HTTP/1.1 200";

}  // namespace

Publisher::Publisher(PublisherOptions options, int epoll)
    : options_(std::move(options)),
      epoll_(epoll),
      path_("/apps/" + options_.app_id + (options_.batch > 1 ? "/batch_events" : "/events")) {
    if (options_.message_bytes < kStampOffset + kStampDigits + kPayloadSuffix.size()) {
        fail("the publisher needs messages of at least 64 bytes for the latency stamp", false);
    }
    const std::string payload = bench_payload(options_.message_bytes);
    data_ = payload.substr(kStampOffset, payload.size() - kStampOffset - kPayloadSuffix.size());
    slots_.resize(std::max<std::size_t>(1, options_.max_in_flight));
}

Publisher::~Publisher() {
    for (const Request& request : slots_) {
        if (request.fd >= 0) {
            close(request.fd);
        }
    }
}

// The data holds only digits and letters, so it needs no JSON escaping and the envelope the
// server writes is exactly kPayloadPrefix + data + kPayloadSuffix.
std::string Publisher::body(std::uint64_t stamp) const {
    std::string data = data_;
    write_stamp(data.data(), stamp);
    const std::string event = R"({"name":"tick","channel":"bench","data":")" + data + R"("})";
    if (options_.batch <= 1) {
        return event;
    }
    std::string batch = R"({"batch":[)";
    for (std::size_t i = 0; i < options_.batch; ++i) {
        batch += (i == 0 ? "" : ",") + event;
    }
    return batch + "]}";
}

std::string Publisher::http_request(const std::string& body) const {
    const auto now = static_cast<std::int64_t>(std::time(nullptr));
    const std::string query = pusher::signed_query(options_.app_key, options_.app_secret, "POST",
                                                   path_, {}, body, now);
    return "POST " + path_ + "?" + query + " HTTP/1.1\r\nHost: " + options_.host + ":" +
           std::to_string(options_.port) +
           "\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: " +
           std::to_string(body.size()) + "\r\n\r\n" + body;
}

void Publisher::trigger() {
    std::size_t slot = 0;
    while (slots_[slot].fd >= 0) {
        ++slot;
    }
    Request& request = slots_[slot];
    request = Request{};
    request.bytes = http_request(body(clock_nanoseconds(Clock::now())));
    request.fd =
            connect_tcp(options_.host, options_.port, epoll_, EPOLLOUT, kTag | slot, "publisher");
    ++in_flight_;
    triggered_ += options_.batch;
}

void Publisher::handle(std::uint64_t tag, std::uint32_t events) {
    Request& request = slots_[tag & ~kTag];
    if (request.fd < 0) {
        return;
    }
    if (!request.sent && (events & (EPOLLOUT | EPOLLERR | EPOLLHUP)) != 0) {
        send(request, tag);
    } else if (request.sent && (events & (EPOLLIN | EPOLLERR | EPOLLHUP)) != 0) {
        receive(request);
    }
}

void Publisher::send(Request& request, std::uint64_t tag) {
    int error = 0;
    socklen_t size = sizeof error;
    getsockopt(request.fd, SOL_SOCKET, SO_ERROR, &error, &size);
    if (error != 0) {
        errno = error;
        fail("publisher connect");
    }
    const ssize_t n = write(request.fd, request.bytes.data() + request.written,
                            request.bytes.size() - request.written);
    if (n < 0) {
        if (errno == EAGAIN || errno == EINTR) {
            return;
        }
        fail("publisher write");
    }
    request.written += static_cast<std::size_t>(n);
    if (request.written < request.bytes.size()) {
        return;
    }
    request.sent = true;
    epoll_event event{};
    event.events = EPOLLIN;
    event.data.u64 = tag;
    epoll_ctl(epoll_, EPOLL_CTL_MOD, request.fd, &event);
}

// One request per connection (the request asks the server to close after answering): read until
// the end of the stream.
void Publisher::receive(Request& request) {
    std::array<char, 4096> buffer{};
    for (;;) {
        const ssize_t n = read(request.fd, buffer.data(), buffer.size());
        if (n > 0) {
            request.response.append(buffer.data(), static_cast<std::size_t>(n));
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
            return;
        }
        finish(request);
        return;
    }
}

void Publisher::finish(Request& request) {
    if (!request.response.starts_with(kOk)) {
        fail("the REST API refused an event: " + request.response.substr(0, 400), false);
    }
    close(request.fd);
    request.fd = -1;
    --in_flight_;
    accepted_ += options_.batch;
}

}  // namespace herald::bench
