// herald/net/session.cpp
#include "herald/net/session.h"

#include <array>
#include <cstddef>
#include <exception>
#include <span>
#include <string_view>
#include <utility>

#include <spdlog/spdlog.h>

#include "herald/util/assert.h"
#include "herald/util/throttle.h"

namespace herald::net {
namespace {

std::size_t total_size(std::span<const std::string_view> parts) {
    std::size_t n = 0;
    for (const auto part : parts) {
        n += part.size();
    }
    return n;
}

}  // namespace

Session::Session(Worker& worker, StreamPtr stream) : worker_(worker) {
    if (stream) {
        attach_stream(std::move(stream));
    }
}

Session::~Session() {
    if (stream_) {
        stream_->close();
    }
    unlink();
}

std::string Session::remote_address() const {
    return stream_ ? stream_->remote_address() : std::string{};
}

void Session::attach_stream(StreamPtr stream) {
    stream_ = std::move(stream);
    worker_.attach(*this);
}

StreamPtr Session::detach_stream() {
    unlink();
    reading_ = false;
    read_paused_ = false;
    return std::move(stream_);
}

void Session::start_handshake(Stream::Done done) {
    if (stream_) {
        stream_->async_handshake(std::move(done));
    }
}

void Session::start_reading() {
    begin_read(false);
}

void Session::start_reading_now() {
    begin_read(true);
}

void Session::begin_read(bool at_once) {
    if (!stream_ || reading_ || read_paused_) {
        return;
    }
    reading_ = true;
    if (at_once) {
        stream_->read_now_or_wait(self());
    } else {
        stream_->async_read(self());
    }
}

void Session::pause_reading() {
    read_paused_ = true;
    if (stream_) {
        worker_.post([self = self()] {});  // runs after the flush asked for before it
    }
}

void Session::resume_reading() {
    read_paused_ = false;
    start_reading();
}

void Session::request_flush() {
    if (stream_ && !writing_) {
        worker_.defer_flush(*this);
    }
}

bool Session::write_through(const util::SharedBytes& bytes) {
    if (!stream_ || writing_ || close_when_flushed_) {
        return false;
    }
    auto& queue = outgoing();
    if (!queue.empty()) {
        return false;  // it goes behind what is queued
    }
    const std::string_view part(*bytes);
    std::error_code error;
    const auto written = stream_->write_now(std::span<const std::string_view>(&part, 1), error);
    if (error || !written || *written == 0) {
        return false;
    }
    if (*written < part.size()) {
        queue.push(bytes);
        queue.consume(*written);
        request_flush();
    }
    return true;
}

void Session::close_after_flush() {
    close_when_flushed_ = true;
    if (stream_ && !writing_) {
        worker_.defer_flush(*this);
    }
}

void Session::close_now(const std::error_code& reason) {
    if (!stream_) {
        return;
    }
    const auto stream = std::move(stream_);
    stream->close();
    unlink();
    on_closed(reason);
}

void Session::on_read(const std::error_code& error, std::span<char> data) {
    HERALD_ASSERT_OWNER(worker_.owner());
    reading_ = false;
    if (!stream_) {
        return;  // closed or handed over meanwhile
    }
    if (error) {
        close_now(error);
        return;
    }
    try {
        on_bytes(data);
    } catch (const std::exception& e) {
        // One connection's failure (a throwing user callback) must not take the worker down.
        static util::Throttle log;  // any client may trigger it: a few lines per interval
        util::log_throttled(log, [&](const std::string& note) {
            spdlog::error("worker {}: closing {} after an exception: {}{}", worker_.index(),
                          remote_address(), e.what(), note);
        });
        close_now(std::make_error_code(std::errc::state_not_recoverable));
        return;
    }
    start_reading();
}

void Session::flush() {
    if (!stream_ || writing_) {
        return;
    }
    auto& queue = outgoing();
    if (queue.empty()) {
        if (close_when_flushed_) {
            close_now();
        }
        return;
    }
    std::array<std::string_view, kMaxGatherParts> parts;
    std::size_t count = queue.gather(parts);
    // Write at once while the kernel takes everything; wait for writability only when it is full.
    for (;;) {
        std::error_code error;
        const auto span = std::span<const std::string_view>(parts.data(), count);
        const auto written = stream_->write_now(span, error);
        if (error) {
            close_now(error);
            return;
        }
        if (!written || *written == 0) {
            break;  // no synchronous writes (TLS), or a full buffer
        }
        const bool whole = *written == total_size(span);
        queue.consume(*written);
        if (queue.empty()) {
            drained();
            return;
        }
        count = queue.gather(parts);  // what is left, from the new front
        if (!whole) {
            break;  // the kernel took a part: the rest waits for writability
        }
    }
    writing_ = true;
    stream_->async_write(std::span<const std::string_view>(parts.data(), count), self());
}

void Session::on_write(const std::error_code& error, std::size_t bytes) {
    HERALD_ASSERT_OWNER(worker_.owner());
    HERALD_ASSERT(writing_);  // one write in flight at a time, started by flush()
    writing_ = false;
    if (!stream_) {
        return;
    }
    if (error) {
        close_now(error);
        return;
    }
    outgoing().consume(bytes);
    if (outgoing().empty()) {
        drained();
        return;
    }
    flush();
}

void Session::drained() {
    if (close_when_flushed_) {
        close_now();
    } else {
        on_drained();  // may queue more: it asks for its own flush
    }
}

void Session::abort() {
    close_now(std::make_error_code(std::errc::operation_canceled));
}

void Session::unlink() noexcept {
    worker_.remove_tickable(*this);
    worker_.cancel_flush(*this);
    worker_.detach(*this);
}

}  // namespace herald::net
