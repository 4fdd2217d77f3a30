// herald/net/stream.h
//
// A connected byte stream (plain TCP or TLS) behind a small runtime interface, so sessions above
// net never see a socket type or a template parameter. Reads land in a buffer the stream chooses
// (the worker's shared buffer for TCP) and are handed over for the length of one call; writes are
// gathered from many pieces. Completions go to a StreamEvents target kept alive by the operation.
// Owner: the worker the stream was created on.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>

namespace herald::net {

class Worker;

// At most this many pieces go into one gathered write.
constexpr std::size_t kMaxGatherParts = 32;

class StreamEvents {
public:
    // `data` is valid only during the call. An error (end of stream included) comes with no data.
    virtual void on_read(const std::error_code& error, std::span<char> data) = 0;

    // `bytes` were written from the front of the pieces passed to async_write.
    virtual void on_write(const std::error_code& error, std::size_t bytes) = 0;

protected:
    virtual ~StreamEvents() = default;
};

class Stream {
public:
    using Done = std::function<void(const std::error_code&)>;

    Stream() = default;
    Stream(const Stream&) = delete;
    Stream& operator=(const Stream&) = delete;
    virtual ~Stream() = default;

    // TLS: runs the handshake (the role was fixed at construction); TCP: completes at once.
    virtual void async_handshake(Done done) = 0;

    // Waits for bytes and hands them to target->on_read once. One read at a time.
    virtual void async_read(std::shared_ptr<StreamEvents> target) = 0;

    // As async_read, but first tries to read at once, and then calls target->on_read before it
    // returns: for a fresh connection, whose first bytes are usually in the kernel by the time
    // it is accepted, this skips arming the wait (a system call) and a pass through the loop.
    virtual void read_now_or_wait(std::shared_ptr<StreamEvents> target) {
        async_read(std::move(target));
    }

    // Writes a prefix of `parts` (all of it for TLS) and reports its length to target->on_write.
    // The pieces must stay valid until then. One write at a time.
    virtual void async_write(std::span<const std::string_view> parts,
                             std::shared_ptr<StreamEvents> target) = 0;

    // Writes what the connection takes right now, without waiting: a prefix of `parts`, its
    // length returned (0 when the kernel buffer is full), or an error. A stream that cannot write
    // synchronously returns std::nullopt and the caller uses async_write. Not while an
    // async_write is pending.
    virtual std::optional<std::size_t> write_now(std::span<const std::string_view> /*parts*/,
                                                 std::error_code& /*error*/) {
        return std::nullopt;
    }

    // Shuts the connection down at once. Pending operations then complete with an error.
    virtual void close() noexcept = 0;

    // "address:port" of the other end ("[v6]:port"); empty once closed.
    [[nodiscard]] virtual std::string remote_address() const = 0;

    [[nodiscard]] virtual bool is_tls() const noexcept = 0;

    [[nodiscard]] virtual Worker& worker() const noexcept = 0;
};

using StreamPtr = std::shared_ptr<Stream>;

}  // namespace herald::net
