// herald/net/worker.h
//
// One event loop on one thread. A worker owns everything that runs on it (listeners, streams,
// sessions) and offers them three shared services instead of per-connection state: a read buffer
// that every stream reads into, a coarse tick that drives all timeouts, and corked flushing (all
// bytes queued for a connection during one turn of the loop leave in one gathered write).
// Owner: the worker's thread. Only post() (and start/stop from the owning code) may be called
// from other threads; the lists below check it (HERALD_ASSERT_OWNER).
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <span>
#include <thread>
#include <utility>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include "herald/net/intrusive_list.h"
#include "herald/util/assert.h"

namespace herald::net {

using Clock = std::chrono::steady_clock;

struct WorkerOptions {
    std::chrono::milliseconds tick_interval{1000};  // granularity of every timeout
    std::size_t read_buffer_bytes = 64 * 1024;
};

// Tail room after the read buffer, so parsers that read a few bytes past the end (SIMD JSON)
// can parse a complete message where it lies.
constexpr std::size_t kReadBufferPadding = 64;

struct TickTag;
struct FlushTag;
struct AbortTag;

// Called once per tick while registered: checks the object's deadlines.
class Tickable : public ListHook<TickTag> {
public:
    virtual void on_tick(Clock::time_point now) = 0;

protected:
    virtual ~Tickable() = default;
};

// Called at the end of the loop turn in which defer_flush() was asked for.
class Flushable : public ListHook<FlushTag> {
public:
    virtual void flush() = 0;

protected:
    virtual ~Flushable() = default;
};

// Told to release its socket when the worker stops, so nothing outlives the event loop holding
// one (a user may keep a connection object longer than the worker).
class Abortable : public ListHook<AbortTag> {
public:
    virtual void abort() = 0;

protected:
    virtual ~Abortable() = default;
};

class Worker {
public:
    explicit Worker(std::size_t index = 0, WorkerOptions options = {});
    ~Worker();
    Worker(const Worker&) = delete;
    Worker& operator=(const Worker&) = delete;

    // Starts the thread. Call once.
    void start();

    // From any thread but the worker's own: aborts attached objects, stops the loop and joins.
    // Idempotent.
    void stop();

    // Runs `fn` on the worker thread, after the handlers already queued. The only thread-safe
    // entry point.
    template <class Fn>
    void post(Fn&& fn) {
        boost::asio::post(io_, std::forward<Fn>(fn));
    }

    [[nodiscard]] bool in_worker_thread() const noexcept;

    // True between start() and stop() (for the owning thread).
    [[nodiscard]] bool running() const noexcept { return thread_.joinable(); }

    [[nodiscard]] boost::asio::io_context& io_context() noexcept { return io_; }

    [[nodiscard]] std::size_t index() const noexcept { return index_; }

    [[nodiscard]] const WorkerOptions& options() const noexcept { return options_; }

    // The thread that may touch what belongs to this worker: its own thread while it runs; before
    // start() anyone (nothing is bound); after stop() the thread that stopped it.
    [[nodiscard]] const util::OwnerThread& owner() const noexcept { return owner_; }

    // The shared read buffer (kReadBufferPadding writable bytes follow it). Its contents are only
    // valid inside the read completion that filled it.
    [[nodiscard]] std::span<char> read_buffer() noexcept {
        HERALD_ASSERT_OWNER(owner_);
        return {read_buffer_.get(), options_.read_buffer_bytes};
    }

    [[nodiscard]] static Clock::time_point now() noexcept { return Clock::now(); }

    void add_tickable(Tickable& item) noexcept {
        HERALD_ASSERT_OWNER(owner_);
        tickables_.push_back(item);
    }

    // Removing an item that is on no list touches nothing, so any thread may (the last owner of a
    // closed connection may be another thread).
    void remove_tickable(Tickable& item) noexcept {
        HERALD_ASSERT(!item.linked() || owner_.is_current());
        tickables_.remove(item);
    }

    // Schedules item.flush() for the end of this turn (once, however often it is asked).
    void defer_flush(Flushable& item);

    void cancel_flush(Flushable& item) noexcept {
        HERALD_ASSERT(!item.linked() || owner_.is_current());
        dirty_.remove(item);
    }

    void attach(Abortable& item) noexcept {
        HERALD_ASSERT_OWNER(owner_);
        attached_.push_back(item);
    }

    void detach(Abortable& item) noexcept {
        HERALD_ASSERT(!item.linked() || owner_.is_current());
        attached_.remove(item);
    }

    [[nodiscard]] std::size_t attached_count() const noexcept {
        HERALD_ASSERT_OWNER(owner_);
        return attached_.size();
    }

private:
    void run();
    void arm_tick();
    void on_tick();
    void run_flushes();
    void abort_all();
    template <class Fn>
    void guarded(Fn&& fn) noexcept;

    std::size_t index_;
    WorkerOptions options_;
    std::unique_ptr<char[]> read_buffer_;
    IntrusiveList<Tickable, TickTag> tickables_;
    IntrusiveList<Flushable, FlushTag> dirty_;
    IntrusiveList<Abortable, AbortTag> attached_;
    bool flush_posted_ = false;
    util::OwnerThread owner_;
    // Declared after the lists: handlers destroyed with the loop may still unlink themselves.
    boost::asio::io_context io_{1};
    std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> guard_;
    std::optional<boost::asio::steady_timer> tick_timer_;
    std::thread thread_;
};

}  // namespace herald::net
