// herald/web/event_stream.cpp
#include "herald/web/event_stream.h"

#include <utility>

#include "herald/util/assert.h"
#include "herald/util/shared_bytes.h"
#include "herald/web/connections.h"
#include "herald/ws/sse_format.h"

namespace herald::web {

EventStream::EventStream(net::Worker& worker, net::StreamPtr stream, const http::Request& request,
                         EventStreamOptions options)
    : Session(worker, std::move(stream)),
      head_(request),
      last_event_id_(ws::strip_line_breaks(request.fields.get("Last-Event-ID").value_or(""))),
      options_(options) {
    out_.push(util::make_shared_bytes(ws::event_stream_head()));
}

EventStream::~EventStream() {
    if (registry_) {
        registry_->remove(*this);
    }
}

std::shared_ptr<EventStream> EventStream::shared() {
    return std::static_pointer_cast<EventStream>(self());
}

void EventStream::join(std::shared_ptr<Connections> registry) {
    registry_ = std::move(registry);
    registry_->add(*this);
}

void EventStream::start() {
    last_write_ = net::Worker::now();
    watch_ticks();
    request_flush();
    start_reading();  // a client never sends anything, but this is how we see it leave
}

bool EventStream::send(std::string_view data, std::string_view event, std::string_view id,
                       std::optional<std::chrono::milliseconds> retry) {
    ws::SseEvent item;
    item.data = data;
    item.event = event;
    item.id = id;
    item.retry = retry;
    return queue(ws::format_event(item));
}

bool EventStream::comment(std::string_view text) {
    return queue(ws::format_comment(text));
}

bool EventStream::queue(std::string bytes) {
    HERALD_ASSERT_OWNER(worker().owner());
    if (!open_ || !has_stream() || closing_after_flush()) {
        return false;
    }
    out_.push(util::make_shared_bytes(std::move(bytes)));
    last_write_ = net::Worker::now();
    if (out_.footprint_bytes() > options_.max_queued_bytes) {  // memory, as a WebSocket counts it
        // A reader this slow loses the stream; it reconnects with Last-Event-ID and resumes.
        close_now();
        out_.clear();
        return false;
    }
    request_flush();
    return true;
}

void EventStream::close() {
    HERALD_ASSERT_OWNER(worker().owner());
    if (open_) {
        close_after_flush();
    }
}

void EventStream::on_bytes(std::span<char> /*data*/) {
    // Nothing is expected after the request; whatever comes is ignored.
}

void EventStream::on_tick(net::Clock::time_point now) {
    if (options_.keepalive.count() > 0 && now - last_write_ >= options_.keepalive) {
        comment();
    }
}

void EventStream::on_closed(const std::error_code& /*reason*/) {
    open_ = false;
    if (registry_) {
        registry_->remove(*this);
        registry_.reset();
    }
    auto handler = std::move(on_close_);
    if (handler) {
        handler();
    }
}

}  // namespace herald::web
