// herald/net/session.h
//
// The transport half of a connection, shared by every protocol session (WebSocket, SSE, plain
// HTTP): it keeps one read pending into the worker's buffer, flushes the derived class's outgoing
// queue once per loop turn with one gathered write, closes the stream exactly once and releases it
// when the worker stops. A derived class supplies the queue and reacts to bytes, ticks and the end.
// Owner: the worker it was created on. Held by std::shared_ptr; operations in flight keep it alive.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <system_error>

#include "herald/net/stream.h"
#include "herald/net/worker.h"
#include "herald/util/byte_queue.h"
#include "herald/util/prefetch.h"

namespace herald::net {

class Session : public StreamEvents,
                public Tickable,
                public Flushable,
                public Abortable,
                public std::enable_shared_from_this<Session> {
public:
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;

    [[nodiscard]] Worker& worker() const noexcept { return worker_; }

    [[nodiscard]] bool has_stream() const noexcept { return stream_ != nullptr; }

    [[nodiscard]] bool is_tls() const noexcept { return stream_ && stream_->is_tls(); }

    // The other end's "address:port"; empty without a stream.
    [[nodiscard]] std::string remote_address() const;

protected:
    // `stream` may be null and attached later (outgoing connections).
    Session(Worker& worker, StreamPtr stream);
    ~Session() override;

    void attach_stream(StreamPtr stream);

    // Gives the stream to another session (a protocol upgrade). Only valid from inside on_bytes()
    // of a session with nothing being written.
    [[nodiscard]] StreamPtr detach_stream();

    // Runs the stream's handshake (TLS; at once for TCP). `done` runs on the worker.
    void start_handshake(Stream::Done done);

    // Keeps one read pending until the stream closes (or reading is paused).
    void start_reading();

    // start_reading() for a session that has just started on a fresh connection: reads what is
    // there at once (on_bytes may run before this returns), else waits as start_reading() does.
    void start_reading_now();

    // Back-pressure: no read is started again until resume_reading(). Call it with answers
    // queued (a flush asked for) or being written: no read is pending then to keep the session
    // alive, so it keeps itself alive until that flush has run; the write in flight holds it
    // after that, and on_drained() is where to resume.
    void pause_reading();
    void resume_reading();

    // Schedules a flush of outgoing() for the end of this turn.
    void request_flush();

    // Writes `bytes` at once, instead of queueing them for the end of the turn, when nothing is
    // queued or being written and the stream writes synchronously (TCP): for a sender with nothing
    // more for this connection in this turn, a message then costs one system call and no queue
    // round trip. What the kernel does not take is queued and flushed as usual. Returns false,
    // having written nothing, when the caller must queue `bytes` itself: also on a write error,
    // which the flush then meets, so that a sender never sees its connection end inside a send.
    [[nodiscard]] bool write_through(const util::SharedBytes& bytes);

    // Asks for the lines write_through() reads to be loaded, without reading any.
    void prefetch_write_path() const noexcept {
        util::prefetch(this);  // the vtable pointer
        util::prefetch(&stream_);
    }

    // Asks for the stream object's lines; reads stream_ (prefetch_write_path() first).
    void prefetch_stream() const noexcept { util::prefetch(stream_.get()); }

    // Writes what is queued, then closes the stream.
    void close_after_flush();

    // Closes the stream now (unsent bytes are dropped) and calls on_closed() once.
    void close_now(const std::error_code& reason = {});

    void watch_ticks() noexcept { worker_.add_tickable(*this); }

    void unwatch_ticks() noexcept { worker_.remove_tickable(*this); }

    [[nodiscard]] bool writing() const noexcept { return writing_; }

    [[nodiscard]] bool reading_paused() const noexcept { return read_paused_; }

    [[nodiscard]] bool closing_after_flush() const noexcept { return close_when_flushed_; }

    [[nodiscard]] std::shared_ptr<Session> self() { return shared_from_this(); }

    virtual util::ByteQueue& outgoing() = 0;

    // Bytes just read, valid during the call only. May throw: the session is then closed.
    virtual void on_bytes(std::span<char> data) = 0;

    // The stream is gone (error, end of stream, close_now, worker stop). Called exactly once.
    virtual void on_closed(const std::error_code& reason) = 0;

    void on_tick(Clock::time_point /*now*/) override {}

    // Everything queued was written and the stream stays open: a paused producer may go on.
    virtual void on_drained() {}

private:
    void begin_read(bool at_once);
    void on_read(const std::error_code& error, std::span<char> data) final;
    void on_write(const std::error_code& error, std::size_t bytes) final;
    void flush() final;
    void abort() final;
    void drained();
    void unlink() noexcept;

    Worker& worker_;
    StreamPtr stream_;
    bool reading_ = false;
    bool read_paused_ = false;
    bool writing_ = false;
    bool close_when_flushed_ = false;
};

}  // namespace herald::net
