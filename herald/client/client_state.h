// herald/client/client_state.h
//
// What a Client's I/O thread owns: the options, the loop and its timer, the Core, the current
// WebSocket, the bindings and callbacks, and the auth thread. Client, Channel and User share it,
// so that a handle outliving its Client finds `stopped` set and does nothing. Everything but
// `stopped`, `stopping`, `next_binding`, the worker's post and the constants runs on the I/O
// thread. The loop may be shared with other Clients and outlive this one: stop() leaves nothing
// on it that refers to this object (see `alive`).
// Owner: shared by a Client and its handles; the I/O thread for the mutable parts.
#pragma once

#include <atomic>
#include <future>
#include <map>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <utility>
#include <vector>

#include "herald/client/auth_endpoint.h"
#include "herald/client/client.h"
#include "herald/net/timer.h"
#include "herald/net/tls.h"
#include "herald/net/worker.h"
#include "herald/web/client.h"

namespace herald::client::detail {

struct Binding {
    BindingId id = 0;
    std::string event;  // "" for a global binding
    Callback callback;
};

// The bindings of the user's events and of the watchlist's are kept beside the channels',
// under names no channel can have.
inline constexpr std::string_view kUserBindings = "#user";
inline constexpr std::string_view kWatchlistBindings = "#watchlist";

struct ClientState {
    explicit ClientState(Options opts);

    // Runs `fn`, dropping what it throws: a callback's exception stops there, not in the loop.
    template <class Fn>
    static void guarded(Fn&& fn) noexcept {
        try {
            fn();
        } catch (...) {
            // A callback must not throw; what it throws is dropped.
        }
    }

    // Runs `fn` on the I/O thread and returns its result (`fallback` once stopped).
    template <class R, class Fn>
    R call(R fallback, Fn&& fn) {
        if (worker.in_worker_thread()) {
            return fn();
        }
        std::packaged_task<R()> task(std::forward<Fn>(fn));
        auto result = task.get_future();
        {
            // Queued before stop()'s last task, or not at all: it always gets its answer.
            const std::shared_lock lock(stopping);
            if (stopped) {
                return fallback;
            }
            worker.post([&task] { task(); });
        }
        return result.get();
    }

    // Runs `fn` on the I/O thread later, then re-arms the core's timer.
    template <class Fn>
    void post(Fn&& fn) {
        const std::shared_lock lock(stopping);
        if (!stopped) {
            worker.post([this, fn = std::forward<Fn>(fn)]() mutable {
                fn();
                rearm();
            });
        }
    }

    CoreHooks hooks();
    [[nodiscard]] bool use_tls();
    void open();
    void closed(std::uint64_t generation, std::uint16_t code);
    void drop(std::uint16_t code);  // forgets the current WebSocket
    void retire();                  // releases it after the current handler
    void rearm();
    // The callbacks bound to `event` under `key` (a channel name or one of the user keys).
    [[nodiscard]] std::vector<Callback> matching(std::string_view key,
                                                 std::string_view event) const;
    void dispatch(const Event& event);  // a channel event: its bindings, then the global ones
    void dispatch_to(std::string_view bindings_key, const Event& event);
    void add_binding(std::string key, Binding binding);
    void stop();

    Options options;
    std::string url;
    web::ClientOptions web_options;
    net::TlsContextPtr tls;
    std::shared_ptr<Loop> loop;  // before everything that lives on it
    net::Worker& worker;
    std::optional<net::Timer> timer;  // reset by stop()
    Core core;
    web::WebSocketPtr socket;
    std::uint64_t socket_generation = 0;
    std::map<std::string, std::vector<Binding>, std::less<>> bindings;  // by channel
    std::vector<Binding> global_bindings;
    StateCallback state_callback;
    Callback error_callback;
    std::atomic<BindingId> next_binding{1};
    std::atomic<bool> stopped{false};
    std::shared_mutex stopping;  // orders post() and call() before stop()'s last task
    std::shared_ptr<bool> alive = std::make_shared<bool>(true);  // I/O thread only
    std::unique_ptr<AuthThread> auth_thread;  // the HTTP endpoints, when they authorize
};

}  // namespace herald::client::detail
