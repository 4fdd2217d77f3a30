// herald/web/response_stream.cpp
#include "herald/web/response_stream.h"

#include <cstdio>
#include <utility>

#include "herald/util/assert.h"
#include "herald/util/shared_bytes.h"
#include "herald/web/connections.h"

namespace herald::web {

namespace {

constexpr std::string_view kLastChunk = "0\r\n\r\n";

std::string chunk_size_line(std::size_t size) {
    char line[24];
    const int n = std::snprintf(line, sizeof line, "%zx\r\n", size);
    return std::string(line, static_cast<std::size_t>(n));
}

}  // namespace

ResponseStream::ResponseStream(net::Worker& worker, net::StreamPtr stream,
                               const http::Request& request, ResponseStreamOptions options)
    : Session(worker, std::move(stream)),
      head_(request),
      options_(options),
      chunked_(request.version >= 11) {
    response_head_.version = request.version >= 11 ? 11 : 10;
}

ResponseStream::~ResponseStream() {
    if (registry_) {
        registry_->remove(*this);
    }
}

std::shared_ptr<ResponseStream> ResponseStream::shared() {
    return std::static_pointer_cast<ResponseStream>(self());
}

void ResponseStream::join(std::shared_ptr<Connections> registry) {
    registry_ = std::move(registry);
    registry_->add(*this);
}

void ResponseStream::set_header(std::string name, std::string value) {
    HERALD_ASSERT(!started_);
    response_head_.fields.add(std::move(name), std::move(value));
}

void ResponseStream::start() {
    started_ = true;
    response_head_.fields.set("Connection", "close");  // the response ends the connection
    if (chunked_) {
        response_head_.fields.set("Transfer-Encoding", "chunked");
    }
    // No Content-Length: the body is chunked, or ends with the connection.
    out_.push(util::make_shared_bytes(http::serialize_head(response_head_)));
    request_flush();
    start_reading();  // a client sends nothing more, but this is how we see it leave
}

bool ResponseStream::write(std::string_view bytes) {
    HERALD_ASSERT_OWNER(worker().owner());
    if (!open_ || !has_stream() || closing_after_flush()) {
        return false;
    }
    if (bytes.empty()) {
        return true;  // an empty chunk would end the body
    }
    std::string framed;
    if (chunked_) {
        framed = chunk_size_line(bytes.size());
        framed.append(bytes);
        framed += "\r\n";
    } else {
        framed.assign(bytes);
    }
    out_.push(util::make_shared_bytes(std::move(framed)));
    if (out_.footprint_bytes() > options_.max_queued_bytes) {  // memory, as a WebSocket counts it
        overflowed_ = true;
        close_now();
        out_.clear();
        return false;
    }
    request_flush();
    return true;
}

void ResponseStream::close() {
    HERALD_ASSERT_OWNER(worker().owner());
    if (!open_ || !has_stream() || closing_after_flush()) {
        return;
    }
    if (chunked_) {
        out_.push(util::make_shared_bytes(std::string(kLastChunk)));
    }
    close_after_flush();
}

void ResponseStream::on_bytes(std::span<char> /*data*/) {
    // Nothing is expected after the request; whatever comes is ignored.
}

void ResponseStream::on_closed(const std::error_code& /*reason*/) {
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
