#include "herald/client/client_state.h"

#include <algorithm>
#include <random>

#include "herald/pusher/server_message_reader.h"

namespace herald::client::detail {

namespace {

bool channel_endpoint(const Options& o) {
    return !o.authorizer && !o.auth_endpoint.empty();
}

bool user_endpoint(const Options& o) {
    return !o.user_authenticator && !o.user_auth_endpoint.empty();
}

net::TlsContextPtr tls_context(const Options& o) {
    return net::make_client_tls_context({o.verify_tls, o.ca_file});
}

// Uniform in [0, 1), for the back-off's jitter. One engine per I/O thread rather than one per
// Client: the Clients of a shared Loop would otherwise carry 2.5 KB of state each.
double jitter() {
    thread_local std::mt19937_64 engine{std::random_device{}()};
    return std::uniform_real_distribution<double>(0.0, 1.0)(engine);
}

}  // namespace

ClientState::ClientState(Options opts)
    : options(std::move(opts)),
      url(websocket_url(options)),
      tls(options.tls ? tls_context(options) : nullptr),
      loop(options.loop ? options.loop : std::make_shared<Loop>()),
      worker(loop->worker()),
      timer(std::in_place, worker),
      core(options.timeouts, hooks()) {
    web_options.tls = {options.verify_tls, options.ca_file};
    web_options.max_message_bytes = 16 * 1024 * 1024;
    if (channel_endpoint(options) || user_endpoint(options)) {
        AuthEndpoint channels{options.auth_endpoint, options.auth_params, options.auth_headers,
                              options.ca_file, options.verify_tls};
        AuthEndpoint users{options.user_auth_endpoint, options.user_auth_params,
                           options.user_auth_headers, options.ca_file, options.verify_tls};
        auth_thread = std::make_unique<AuthThread>(
                std::move(channels), std::move(users),
                [this](AuthRequest request, AuthAnswer answer) {
                    post([this, request = std::move(request), answer = std::move(answer)] {
                        if (request.channel) {
                            core.authorized(request.socket_id, *request.channel, answer.result,
                                            answer.http_status);
                        } else {
                            core.user_authenticated(request.socket_id, answer.result,
                                                    answer.http_status);
                        }
                    });
                });
    }
}

CoreHooks ClientState::hooks() {
    CoreHooks h;
    h.open = [this] {
        open();
    };
    h.use_tls = [this] {
        return use_tls();
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
    h.user_event = [this](const Event& event, UserScope scope) {
        dispatch_to(scope == UserScope::User ? kUserBindings : kWatchlistBindings, event);
    };
    h.random = jitter;
    if (channel_endpoint(options)) {
        h.authorize_async = [this](const std::string& socket_id, const std::string& channel) {
            auth_thread->request(AuthRequest{socket_id, channel});
        };
    } else {
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
    }
    if (user_endpoint(options)) {
        h.authenticate_user_async = [this](const std::string& socket_id) {
            auth_thread->request(AuthRequest{socket_id, std::nullopt});
        };
    } else {
        h.authenticate_user = [this](std::string_view socket_id) -> AuthResult {
            if (!options.user_authenticator) {
                return util::unexpected(
                        std::string("no user authenticator in the client's options"));
            }
            try {
                return options.user_authenticator(socket_id);
            } catch (const std::exception& e) {
                return util::unexpected(std::string("the user authenticator threw: ") + e.what());
            }
        };
    }
    return h;
}

// 4000 (protocol.md §5.2): the app accepts only TLS, so the next attempts go over wss://.
bool ClientState::use_tls() {
    if (options.tls) {
        return false;
    }
    try {
        tls = tls_context(options);
    } catch (const std::exception&) {
        return false;  // the CA file cannot be read: as good as refused
    }
    options.tls = true;
    url = websocket_url(options);
    return true;
}

void ClientState::open() {
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
    // A WebSocket may report after this Client is gone (a close handshake in progress): `alive`
    // is checked before `this` is touched.
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

void ClientState::closed(std::uint64_t generation, std::uint16_t code) {
    if (generation != socket_generation) {
        return;
    }
    retire();
    core.socket_closed(code, Clock::now());
    rearm();
}

void ClientState::drop(std::uint16_t code) {
    ++socket_generation;
    if (socket) {
        socket->close(code);
        retire();
    }
}

void ClientState::retire() {
    if (socket) {
        worker.post([old = std::move(socket)] {});
    }
}

void ClientState::rearm() {
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

std::vector<Callback> ClientState::matching(std::string_view key, std::string_view event) const {
    std::vector<Callback> callbacks;
    if (const auto it = bindings.find(key); it != bindings.end()) {
        for (const auto& binding : it->second) {
            if (binding.event == event) {
                callbacks.push_back(binding.callback);
            }
        }
    }
    return callbacks;
}

void ClientState::dispatch(const Event& event) {
    if (event.channel.empty()) {
        const auto callback = error_callback;
        if (callback && event.event == pusher::events::kError) {
            guarded([&] { callback(event); });
        }
        return;
    }
    auto callbacks = matching(event.channel, event.event);
    for (const auto& binding : global_bindings) {
        callbacks.push_back(binding.callback);
    }
    for (const auto& callback : callbacks) {
        guarded([&] { callback(event); });
    }
}

void ClientState::dispatch_to(std::string_view bindings_key, const Event& event) {
    auto callbacks = matching(bindings_key, event.event);
    for (auto& callback : matching(bindings_key, "")) {  // User::bind_global's
        callbacks.push_back(std::move(callback));
    }
    for (const auto& callback : callbacks) {
        guarded([&] { callback(event); });
    }
}

void ClientState::add_binding(std::string key, Binding binding) {
    bindings[std::move(key)].push_back(std::move(binding));
}

void ClientState::stop() {
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
        // Nothing left on the loop may touch this object: the timer's callback goes with the
        // timer, and the WebSockets still closing find `alive` false.
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

}  // namespace herald::client::detail
