#include "herald/client/client.h"

#include <algorithm>
#include <atomic>
#include <future>
#include <map>
#include <optional>
#include <random>
#include <shared_mutex>
#include <stdexcept>
#include <utility>
#include <vector>

#include "herald/client/auth_endpoint.h"
#include "herald/net/timer.h"
#include "herald/net/tls.h"
#include "herald/net/worker.h"
#include "herald/pusher/channel.h"
#include "herald/pusher/limits.h"
#include "herald/pusher/server_message_reader.h"
#include "herald/web/client.h"

namespace herald::client {

namespace {

constexpr std::string_view kVersion = "0.1.0";

struct Binding {
    BindingId id = 0;
    std::string event;  // "" for a global binding
    Callback callback;
};

// Uniform in [0, 1), for the back-off's jitter. One engine per I/O thread rather than one per
// Client: the Clients of a shared Loop would otherwise carry 2.5 KB of state each.
double jitter() {
    thread_local std::mt19937_64 engine{std::random_device{}()};
    return std::uniform_real_distribution<double>(0.0, 1.0)(engine);
}

}  // namespace

std::string websocket_url(const Options& options) {
    const bool v6 = options.host.find(':') != std::string::npos;
    std::string url = options.tls ? "wss://" : "ws://";
    url += v6 ? "[" + options.host + "]" : options.host;
    url += ":" + std::to_string(options.port) + options.path_prefix + "/app/" + options.key;
    url += "?protocol=7&client=herald-cpp&version=";
    url += kVersion;
    url += "&flash=false";
    return url;
}

// Everything the I/O thread owns. Channel handles share it, so a handle outliving its Client
// finds `stopped` set and does nothing. The loop may be shared with other Clients and outlive
// this one: stop() leaves nothing on it that refers to this object (see `alive`).
struct Channel::Shared {
    explicit Shared(Options opts)
        : options(std::move(opts)),
          url(websocket_url(options)),
          tls(options.tls ? net::make_client_tls_context({options.verify_tls, options.ca_file})
                          : nullptr),
          loop(options.loop ? options.loop : std::make_shared<Loop>()),
          worker(loop->worker()),
          timer(std::in_place, worker),
          core(options.timeouts, hooks()) {
        web_options.tls = {options.verify_tls, options.ca_file};
        web_options.max_message_bytes = 16 * 1024 * 1024;
        if (!options.authorizer && !options.auth_endpoint.empty()) {
            AuthEndpoint endpoint{options.auth_endpoint, options.auth_params, options.auth_headers,
                                  options.ca_file, options.verify_tls};
            auth_thread = std::make_unique<AuthThread>(
                    std::move(endpoint),
                    [this](std::string socket_id, std::string channel, AuthAnswer answer) {
                        post([this, socket_id = std::move(socket_id), channel = std::move(channel),
                              answer = std::move(answer)] {
                            core.authorized(socket_id, channel, answer.result, answer.http_status);
                        });
                    });
        }
    }

    CoreHooks hooks() {
        CoreHooks h;
        h.open = [this] {
            open();
        };
        h.send = [this](const std::string& text) {
            if (socket) {
                socket->send(text);
            }
        };
        h.drop = [this](std::uint16_t code) {
            drop(code);
        };
        h.state_changed = [this](State previous, State current) {
            const auto callback = state_callback;
            if (callback) {
                guarded([&] { callback(previous, current); });
            }
        };
        h.event = [this](const Event& event) {
            dispatch(event);
        };
        if (!options.authorizer && !options.auth_endpoint.empty()) {
            h.authorize_async = [this](const std::string& socket_id, const std::string& channel) {
                auth_thread->request(socket_id, channel);
            };
            h.random = jitter;
            return h;
        }
        h.authorize = [this](std::string_view socket_id, std::string_view channel) -> AuthResult {
            if (!options.authorizer) {
                return util::unexpected(std::string("no authorizer in the client's options"));
            }
            try {
                return options.authorizer(socket_id, channel);
            } catch (const std::exception& e) {
                return util::unexpected(std::string("the authorizer threw: ") + e.what());
            }
        };
        h.random = jitter;
        return h;
    }

    template <class Fn>
    static void guarded(Fn&& fn) noexcept {
        try {
            fn();
        } catch (...) {
            // A callback must not throw; what it throws stops there, not in the I/O loop.
        }
    }

    void open() {
        drop(1000);
        const auto generation = ++socket_generation;
        try {
            socket = web::connect(worker, url, web_options, tls);
        } catch (const std::exception&) {
            worker.post([this, alive = alive, generation] {
                if (*alive) {
                    closed(generation, 1006);
                }
            });
            return;
        }
        // A WebSocket may report after this Client is gone (a close handshake in progress):
        // `alive` is checked before `this` is touched.
        socket->on_message([this, alive = alive, generation](const web::Message& message) {
            if (*alive && generation == socket_generation && message.is_text()) {
                core.socket_message(message.data, Clock::now());
                rearm();
            }
        });
        socket->on_close([this, alive = alive, generation](std::uint16_t code, std::string_view) {
            if (*alive) {
                closed(generation, code);
            }
        });
    }

    void closed(std::uint64_t generation, std::uint16_t code) {
        if (generation != socket_generation) {
            return;
        }
        retire();
        core.socket_closed(code, Clock::now());
        rearm();
    }

    // Forgets the current WebSocket: whatever it reports later is ignored.
    void drop(std::uint16_t code) {
        ++socket_generation;
        if (socket) {
            socket->close(code);
            retire();
        }
    }

    // Releases the WebSocket after the current handler (it may be the one running).
    void retire() {
        if (socket) {
            worker.post([old = std::move(socket)] {});
        }
    }

    void rearm() {
        if (!timer) {
            return;  // stopped
        }
        const auto deadline = core.next_deadline();
        if (!deadline || stopped) {
            timer->cancel();
            return;
        }
        const auto delay = std::chrono::ceil<std::chrono::milliseconds>(*deadline - Clock::now());
        timer->arm(std::max(delay, std::chrono::milliseconds(0)), [this] {
            core.tick(Clock::now());
            rearm();
        });
    }

    void dispatch(const Event& event) {
        if (event.channel.empty()) {
            const auto callback = error_callback;
            if (callback && event.event == pusher::events::kError) {
                guarded([&] { callback(event); });
            }
            return;
        }
        std::vector<Callback> callbacks;
        if (const auto it = bindings.find(event.channel); it != bindings.end()) {
            for (const auto& binding : it->second) {
                if (binding.event == event.event) {
                    callbacks.push_back(binding.callback);
                }
            }
        }
        for (const auto& binding : global_bindings) {
            callbacks.push_back(binding.callback);
        }
        for (const auto& callback : callbacks) {
            guarded([&] { callback(event); });
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

    void stop() {
        {
            const std::unique_lock lock(stopping);
            if (stopped.exchange(true)) {
                return;
            }
        }
        auth_thread.reset();  // waits for the request in progress; nothing is posted after
        std::packaged_task<void()> task([this] {
            // The application may be tearing down what its callbacks use: none runs from here.
            state_callback = nullptr;
            error_callback = nullptr;
            bindings.clear();
            global_bindings.clear();
            core.disconnect();
            // Nothing left on the loop may touch this object: the timer's callback goes with
            // the timer, and the WebSockets still closing find `alive` false.
            timer.reset();
            *alive = false;
        });
        auto done = task.get_future();
        worker.post([&task] { task(); });
        done.wait();
        if (!options.loop) {
            worker.stop();  // a thread of its own ends with the Client, not with its last handle
        }
    }

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
    std::unique_ptr<AuthThread> auth_thread;  // the HTTP auth endpoint, when it is the authorizer
};

Channel::Channel(std::shared_ptr<Shared> shared, std::string name)
    : shared_(std::move(shared)), name_(std::move(name)) {}

BindingId Channel::bind(std::string event, Callback callback) {
    const BindingId id = shared_->next_binding++;
    shared_->post([s = shared_.get(), name = name_, id, event = std::move(event),
                   callback = std::move(callback)]() mutable {
        s->bindings[name].push_back(Binding{id, std::move(event), std::move(callback)});
    });
    return id;
}

void Channel::unbind(BindingId id) {
    shared_->post([s = shared_.get(), name = name_, id] {
        if (const auto it = s->bindings.find(name); it != s->bindings.end()) {
            std::erase_if(it->second, [id](const Binding& b) { return b.id == id; });
        }
    });
}

void Channel::unsubscribe() {
    shared_->post([s = shared_.get(), name = name_] { s->core.unsubscribe(name); });
}

util::Result<void, std::string> Channel::trigger(std::string_view event,
                                                 std::string_view data_json) {
    using R = util::Result<void, std::string>;
    return shared_->call(R(util::unexpected(std::string("the client is stopped"))), [&]() -> R {
        auto result = shared_->core.trigger(name_, event, data_json, Clock::now());
        shared_->rearm();
        return result;
    });
}

bool Channel::subscribed() const {
    return shared_->call(false, [&] {
        return shared_->core.channels().status(name_) == ChannelStatus::Subscribed;
    });
}

Members Channel::members() const {
    return shared_->call(Members{}, [&] {
        const auto* entry = shared_->core.channels().find(name_);
        return entry ? entry->members : Members{};
    });
}

Client::Client(Options options) : shared_(std::make_shared<Channel::Shared>(std::move(options))) {}

Client::~Client() {
    shared_->stop();
}

void Client::connect() {
    shared_->post([s = shared_.get()] { s->core.connect(Clock::now()); });
}

void Client::disconnect() {
    shared_->post([s = shared_.get()] { s->core.disconnect(); });
}

State Client::state() const {
    return shared_->call(State::Disconnected, [this] { return shared_->core.state(); });
}

std::string Client::socket_id() const {
    return shared_->call(std::string(), [this] { return shared_->core.socket_id(); });
}

void Client::on_state_change(StateCallback callback) {
    shared_->post([s = shared_.get(), callback = std::move(callback)]() mutable {
        s->state_callback = std::move(callback);
    });
}

void Client::on_error(Callback callback) {
    shared_->post([s = shared_.get(), callback = std::move(callback)]() mutable {
        s->error_callback = std::move(callback);
    });
}

Channel Client::subscribe(const std::string& channel) {
    if (const auto error =
                pusher::check_channel_name(channel, pusher::kLenientMaxChannelNameLength)) {
        throw std::invalid_argument(std::string(pusher::describe(*error)) + ": " + channel);
    }
    shared_->post([s = shared_.get(), channel] { (void)s->core.subscribe(channel); });
    return Channel(shared_, channel);
}

void Client::unsubscribe(const std::string& channel) {
    shared_->post([s = shared_.get(), channel] { s->core.unsubscribe(channel); });
}

Channel Client::channel(const std::string& channel) {
    return Channel(shared_, channel);
}

BindingId Client::bind_global(Callback callback) {
    const BindingId id = shared_->next_binding++;
    shared_->post([s = shared_.get(), id, callback = std::move(callback)]() mutable {
        s->global_bindings.push_back(Binding{id, "", std::move(callback)});
    });
    return id;
}

void Client::unbind(BindingId id) {
    shared_->post([s = shared_.get(), id] {
        std::erase_if(s->global_bindings, [id](const Binding& b) { return b.id == id; });
        for (auto& [name, list] : s->bindings) {
            std::erase_if(list, [id](const Binding& b) { return b.id == id; });
        }
    });
}

util::Result<void, std::string> Client::trigger(std::string_view channel, std::string_view event,
                                                std::string_view data_json) {
    return this->channel(std::string(channel)).trigger(event, data_json);
}

}  // namespace herald::client
