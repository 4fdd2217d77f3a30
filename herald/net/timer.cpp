// herald/net/timer.cpp
#include "herald/net/timer.h"

#include <utility>

#include <boost/asio/steady_timer.hpp>

namespace herald::net {

struct Timer::Impl {
    explicit Impl(Worker& worker) : timer(worker.io_context()) {}

    boost::asio::steady_timer timer;
};

Timer::Timer(Worker& worker) : impl_(std::make_unique<Impl>(worker)) {}

Timer::~Timer() = default;

void Timer::arm(std::chrono::milliseconds delay, std::function<void()> fn) {
    impl_->timer.expires_after(delay);  // cancels a pending wait: its handler sees the error
    impl_->timer.async_wait([fn = std::move(fn)](const boost::system::error_code& ec) {
        if (!ec) {
            fn();
        }
    });
}

void Timer::cancel() {
    impl_->timer.cancel();
}

}  // namespace herald::net
