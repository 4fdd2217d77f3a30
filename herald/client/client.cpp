#include "herald/client/client.h"

#include <algorithm>
#include <stdexcept>
#include <utility>

#include "herald/client/client_state.h"
#include "herald/pusher/channel.h"
#include "herald/pusher/limits.h"

namespace herald::client {

namespace {

constexpr std::string_view kVersion = "0.1.0";

using detail::Binding;
using detail::ClientState;

}  // namespace

std::string websocket_host(const Options& options) {
    if (!options.host.empty()) {
        return options.host;
    }
    if (options.cluster.empty()) {
        return "127.0.0.1";
    }
    // The cluster becomes part of a host name: nothing that could change the URL's meaning.
    const bool valid = std::ranges::all_of(options.cluster, [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    });
    if (!valid) {
        throw std::invalid_argument("a cluster name is [a-z0-9-]+: " + options.cluster);
    }
    return "ws-" + options.cluster + ".pusher.com";
}

std::string websocket_url(const Options& options) {
    const std::string host = websocket_host(options);
    const bool v6 = host.find(':') != std::string::npos;
    std::string url = options.tls ? "wss://" : "ws://";
    url += v6 ? "[" + host + "]" : host;
    url += ":" + std::to_string(options.port) + options.path_prefix + "/app/" + options.key;
    url += "?protocol=7&client=herald-cpp&version=";
    url += kVersion;
    url += "&flash=false";
    return url;
}

Channel::Channel(std::shared_ptr<ClientState> shared, std::string name)
    : shared_(std::move(shared)), name_(std::move(name)) {}

BindingId Channel::bind(std::string event, Callback callback) {
    const BindingId id = shared_->next_binding++;
    shared_->post([s = shared_.get(), name = name_, id, event = std::move(event),
                   callback = std::move(callback)]() mutable {
        s->add_binding(name, Binding{id, std::move(event), std::move(callback)});
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

User::User(std::shared_ptr<ClientState> shared) : shared_(std::move(shared)) {}

BindingId User::bind(std::string event, Callback callback) {
    return Channel(shared_, std::string(detail::kUserBindings))
            .bind(std::move(event), std::move(callback));
}

BindingId User::bind_global(Callback callback) {
    return bind("", std::move(callback));  // "" matches every user event (dispatch_to)
}

BindingId User::bind_watchlist(std::string event, Callback callback) {
    return Channel(shared_, std::string(detail::kWatchlistBindings))
            .bind(std::move(event), std::move(callback));
}

void User::unbind(BindingId id) {
    Channel(shared_, std::string(detail::kUserBindings)).unbind(id);
    Channel(shared_, std::string(detail::kWatchlistBindings)).unbind(id);
}

std::string User::id() const {
    return shared_->call(std::string(), [this] { return shared_->core.user_id(); });
}

Client::Client(Options options) : shared_(std::make_shared<ClientState>(std::move(options))) {}

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

void Client::signin() {
    shared_->post([s = shared_.get()] { s->core.signin(); });
}

User Client::user() {
    return User(shared_);
}

}  // namespace herald::client
