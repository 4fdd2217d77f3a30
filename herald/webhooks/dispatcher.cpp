#include "herald/webhooks/dispatcher.h"

#include <utility>

#include <spdlog/spdlog.h>

#include "herald/webhooks/curl_transport.h"

namespace herald::webhooks {

namespace {

// Past this many events waiting for the webhook thread, new ones are dropped (counted, logged):
// the thread drains its inbox in every turn, so only a stalled thread gets here.
constexpr std::size_t kMaxInbox = 1U << 20U;

}  // namespace

Dispatcher::Dispatcher(Settings settings, std::vector<AppHooks> apps)
    : transport_(std::make_unique<CurlTransport>()),
      pipeline_(std::move(settings), std::move(apps), *transport_, Clocks::system()),
      routed_(pipeline_.apps()) {
    for (std::size_t app = 0; app < routed_.size(); ++app) {
        routed_[app].store(pipeline_.routed(app), std::memory_order_relaxed);
    }
}

Dispatcher::~Dispatcher() {
    stop();
}

void Dispatcher::start() {
    pipeline_.open();
    running_ = true;
    thread_ = std::thread([this] { run(); });
}

void Dispatcher::replace_apps(std::vector<AppHooks> apps) {
    for (std::size_t app = 0; app < routed_.size(); ++app) {
        routed_[app].store(app < apps.size() && !apps[app].targets.empty(),
                           std::memory_order_relaxed);
    }
    {
        const std::lock_guard lock(mutex_);
        new_apps_ = std::move(apps);
    }
    transport_->wakeup();
}

void Dispatcher::post(std::size_t app, Event event) {
    if (app >= routed_.size() || !routed_[app].load(std::memory_order_relaxed)) {
        return;  // no target: nothing to do, not even a wakeup
    }
    bool wake = false;
    {
        const std::lock_guard lock(mutex_);
        if (ended_) {
            // After stop(): the workers and the cluster are stopped first, so this is a bug.
            pipeline_.counters().dropped.fetch_add(1, std::memory_order_relaxed);
            spdlog::error("webhooks: an event came after the webhook thread ended; dropped");
            return;
        }
        if (inbox_.size() >= kMaxInbox) {
            auto& dropped = pipeline_.counters().dropped;
            if (dropped.fetch_add(1, std::memory_order_relaxed) % kMaxInbox == 0) {
                spdlog::error("webhooks: the webhook thread is behind by {} events; dropping",
                              kMaxInbox);
            }
            return;
        }
        wake = inbox_.empty();
        inbox_.push_back(AppEvent{app, std::move(event)});
    }
    if (wake) {
        transport_->wakeup();
    }
}

void Dispatcher::stop() {
    {
        const std::lock_guard lock(mutex_);
        if (stopping_) {
            return;
        }
        stopping_ = true;
    }
    if (running_) {
        transport_->wakeup();
        thread_.join();
        running_ = false;
    }
}

void Dispatcher::run() {
    std::vector<AppEvent> inbox;
    for (;;) {
        bool stopping = false;
        std::optional<std::vector<AppHooks>> apps;
        {
            const std::lock_guard lock(mutex_);
            inbox.swap(inbox_);
            stopping = stopping_;
            apps.swap(new_apps_);
        }
        if (apps) {
            pipeline_.replace_apps(std::move(*apps));
        }
        if (!pipeline_.step(inbox, stopping)) {
            // What came in during the last turn is spooled by one more (the flush is over, so
            // it ends at once) rather than forgotten with the thread.
            const std::lock_guard lock(mutex_);
            if (inbox_.empty()) {
                ended_ = true;
                break;
            }
        }
    }
    pipeline_.log_stopped();
}

}  // namespace herald::webhooks
