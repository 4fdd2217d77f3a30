// herald/webhooks/dispatcher.h
//
// The webhook thread. Workers post events (post(), any thread: a short lock and, when the inbox
// was empty, a wakeup of the transport); the thread steps the Pipeline (pipeline.h), which does
// the grace delay, batching, spooling and delivery through libcurl (CurlTransport), until stop().
// A receiver that is slow or down never delays the workers.
// Owner: the server (start/stop from the thread that runs it); post() from any thread.
#pragma once

#include <atomic>
#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "herald/webhooks/event.h"
#include "herald/webhooks/grace.h"
#include "herald/webhooks/pipeline.h"
#include "herald/webhooks/settings.h"
#include "herald/webhooks/target.h"
#include "herald/webhooks/transport.h"

namespace herald::webhooks {

class Dispatcher {
public:
    // `apps` in the order of the server's app indices (post()'s `app`).
    Dispatcher(Settings settings, std::vector<AppHooks> apps);
    ~Dispatcher();
    Dispatcher(const Dispatcher&) = delete;
    Dispatcher& operator=(const Dispatcher&) = delete;

    // Opens the spool, queues what it holds, and starts the thread. Throws std::runtime_error.
    void start();

    // Hands an event of app `app` to the thread. Any thread; never blocks on delivery.
    void post(std::size_t app, Event event);

    // The apps' targets and credentials changed (a reload); same indices, `apps` as many as at
    // construction. Events posted from now on follow the new targets; batches already open go
    // out as they were. Any thread.
    void replace_apps(std::vector<AppHooks> apps);

    // Releases held removals, closes open batches, keeps delivering for at most
    // `shutdown_flush`, then ends the thread; what is undelivered stays in the spool. Idempotent.
    void stop();

    [[nodiscard]] const Counters& counters() const noexcept { return pipeline_.counters(); }

    // Before start(): `observer` runs on the webhook thread after each attempt.
    void observe(DeliveryObserver observer) { pipeline_.observe(std::move(observer)); }

private:
    void run();

    std::unique_ptr<Transport> transport_;
    Pipeline pipeline_;  // the thread's, once started

    std::vector<std::atomic<bool>> routed_;  // by app: whether post() keeps its events

    std::mutex mutex_;
    std::vector<AppEvent> inbox_;                    // guarded by mutex_
    std::optional<std::vector<AppHooks>> new_apps_;  // guarded by mutex_
    bool stopping_ = false;                          // guarded by mutex_
    bool ended_ = false;  // guarded by mutex_: the thread took its last turn
    bool running_ = false;
    std::thread thread_;
};

}  // namespace herald::webhooks
