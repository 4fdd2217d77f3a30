// herald/net/worker.cpp
#include "herald/net/worker.h"

#include <exception>

#include <spdlog/spdlog.h>

#include "herald/util/throttle.h"

namespace herald::net {

Worker::Worker(std::size_t index, WorkerOptions options)
    : index_(index),
      options_(options),
      read_buffer_(std::make_unique<char[]>(options.read_buffer_bytes + kReadBufferPadding)) {
    guard_.emplace(io_.get_executor());
    tick_timer_.emplace(io_);
}

Worker::~Worker() {
    stop();
    tick_timer_.reset();
    // io_ is destroyed next, with the handlers it still holds; they may unlink themselves from
    // the lists, which are declared before it and so still alive.
}

void Worker::start() {
    arm_tick();
    thread_ = std::thread([this] {
        owner_.bind();
        run();
    });
}

void Worker::stop() {
    if (thread_.joinable()) {
        post([this] {
            abort_all();
            guard_.reset();
            io_.stop();
        });
        thread_.join();
        owner_.bind();  // what is left (handlers, sessions) is the stopping thread's now
    } else {
        abort_all();
        guard_.reset();
    }
    if (tick_timer_) {
        tick_timer_->cancel();
    }
}

bool Worker::in_worker_thread() const noexcept {
    // get_executor() is not const, though asking the executor changes nothing.
    return const_cast<boost::asio::io_context&>(io_).get_executor().running_in_this_thread();
}

namespace {

// Shared by every worker: a client able to make handlers throw gets a few lines per interval.
void log_exception(std::size_t worker, const std::exception& e) {
    static util::Throttle log;
    util::log_throttled(log, [&](const std::string& note) {
        spdlog::error("worker {}: unhandled exception: {}{}", worker, e.what(), note);
    });
}

}  // namespace

void Worker::run() {
    for (;;) {
        try {
            io_.run();
            return;
        } catch (const std::exception& e) {
            // A handler let an exception escape: the loop must go on for everyone else.
            log_exception(index_, e);
        }
    }
}

void Worker::arm_tick() {
    tick_timer_->expires_after(options_.tick_interval);
    tick_timer_->async_wait([this](const boost::system::error_code& ec) {
        if (!ec) {
            on_tick();
        }
    });
}

// One object's failure must not cost the others their tick or flush (the loop catches too, but
// it would abandon the rest of the walk).
template <class Fn>
void Worker::guarded(Fn&& fn) noexcept {
    try {
        fn();
    } catch (const std::exception& e) {
        log_exception(index_, e);
    }
}

void Worker::on_tick() {
    HERALD_ASSERT_OWNER(owner_);
    arm_tick();
    const auto time = now();
    tickables_.for_each([&](Tickable& item) { guarded([&] { item.on_tick(time); }); });
}

void Worker::defer_flush(Flushable& item) {
    HERALD_ASSERT_OWNER(owner_);
    dirty_.push_back(item);
    if (!flush_posted_) {
        flush_posted_ = true;
        post([this] { run_flushes(); });
    }
}

void Worker::run_flushes() {
    HERALD_ASSERT_OWNER(owner_);
    flush_posted_ = false;
    // A flush may mark others dirty (a callback closing another connection): they go out too.
    while (Flushable* item = dirty_.pop_front()) {
        guarded([item] { item->flush(); });
    }
}

void Worker::abort_all() {
    while (Abortable* item = attached_.pop_front()) {
        item->abort();
    }
}

}  // namespace herald::net
