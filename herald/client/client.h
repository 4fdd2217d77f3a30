// herald/client/client.h
//
// The realtime client (pusher-js in C++): connects to a Pusher-protocol server over web's
// WebSocket client, keeps the connection (reconnection, keep-alive) and the application's
// channels (subscriptions restored after every reconnect, presence members, encrypted channels,
// client events), and signs the user in (server-to-user and watchlist events).
// The decisions are the sans-I/O Core's (core.h); this file runs it on a thread of its own.
// Threads: every callback runs on the client's I/O thread, one at a time; every public method
// may be called from any thread (it posts to the I/O thread, and the ones that answer wait for
// it, or run at once when called from a callback). Do not destroy the Client in its callbacks.
// Owner: the application (Client); Channel and User handles may be copied and kept anywhere.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "herald/client/core.h"
#include "herald/client/loop.h"
#include "herald/util/result.h"

namespace herald::client {

struct Options {
    std::string key;  // the app key
    // A name or an address (IPv6 without brackets). Empty: ws-<cluster>.pusher.com when
    // `cluster` is set, as pusher-js does without a wsHost, else 127.0.0.1.
    std::string host;
    std::string cluster;  // Pusher's cluster name ("eu", "mt1"): [a-z0-9-]+
    std::uint16_t port = 6001;
    bool tls = false;         // wss:// instead of ws://
    std::string ca_file;      // wss: a PEM bundle to trust instead of the system store
    bool verify_tls = true;   // wss: check the chain and the host name
    std::string path_prefix;  // before /app/KEY (the server's --path-prefix)
    Timeouts timeouts;        // activity, pong, unavailable, back-off and its cap
    Authorizer authorizer;    // private and presence channels; called on the I/O thread
    // Without an authorizer: pusher-js's HTTP auth endpoint (a form POST of socket_id and
    // channel_name, then auth_params; auth_headers added), called on a thread of its own.
    std::string auth_endpoint;
    std::vector<std::pair<std::string, std::string>> auth_params;
    std::vector<std::pair<std::string, std::string>> auth_headers;
    // signin(): a callback on the I/O thread returning {"auth","user_data"} JSON, or without it
    // pusher-js's user authentication endpoint (a form POST of socket_id, then
    // user_auth_params; user_auth_headers added), called on the auth thread.
    UserAuthenticator user_authenticator;
    std::string user_auth_endpoint;
    std::vector<std::pair<std::string, std::string>> user_auth_params;
    std::vector<std::pair<std::string, std::string>> user_auth_headers;
    // The I/O thread to run on, shared with other Clients (loop.h); empty: a thread of its own.
    std::shared_ptr<Loop> loop;
};

// The host connected to: `host`, else the cluster's, else 127.0.0.1. Throws
// std::invalid_argument for a cluster name outside [a-z0-9-]+.
[[nodiscard]] std::string websocket_host(const Options& options);

// ws[s]://HOST:PORT[PREFIX]/app/KEY?protocol=7&client=herald-cpp&version=...&flash=false
// (HOST from websocket_host(), so it throws as that does).
[[nodiscard]] std::string websocket_url(const Options& options);

using Callback = std::function<void(const Event&)>;
using StateCallback = std::function<void(State previous, State current)>;
using BindingId = std::uint64_t;

class Client;

namespace detail {
struct ClientState;  // what the I/O thread owns (client_state.h)
}  // namespace detail

// A subscribed (or wanted) channel. Copies refer to the same channel of the same client.
class Channel {
public:
    [[nodiscard]] const std::string& name() const noexcept { return name_; }

    // `callback` runs for each `event` on this channel (including the client-side names of
    // protocol.md §4.16: pusher:subscription_succeeded, pusher:subscription_error,
    // pusher:member_added, pusher:member_removed, pusher:subscription_count; pusher:cache_miss
    // on cache channels; pusher:decryption_error on encrypted channels).
    BindingId bind(std::string event, Callback callback);
    void unbind(BindingId id);
    void unsubscribe();

    // A client-* event (protocol.md §4.9); `data_json` is JSON text. An error says why not.
    util::Result<void, std::string> trigger(std::string_view event, std::string_view data_json);

    // pusher_internal:subscription_succeeded received on the current connection.
    [[nodiscard]] bool subscribed() const;
    // Presence channels: a copy of the members (me, count, get) as they are now.
    [[nodiscard]] Members members() const;

private:
    friend class Client;
    friend class User;  // the user's bindings are kept like a channel's
    Channel(std::shared_ptr<detail::ClientState> shared, std::string name);

    std::shared_ptr<detail::ClientState> shared_;
    std::string name_;
};

// The signed-in user (protocol.md §4.11-§4.13): Client::signin() starts the sign-in. Copies
// refer to the same client.
class User {
public:
    // pusher:signin_success (data: the user_data JSON), pusher:signin_error (data
    // {"type":"AuthError","error","status"?}), and the events sent to the user
    // (#server-to-user-<id>, e.g. the SDK's send_to_user).
    BindingId bind(std::string event, Callback callback);
    // Every event of the user (not the watchlist's).
    BindingId bind_global(Callback callback);
    // Watchlist events: "online" and "offline", data {"name","user_ids":[...]}.
    BindingId bind_watchlist(std::string event, Callback callback);
    void unbind(BindingId id);

    // The user id of pusher:signin_success on the current connection; "" until then.
    [[nodiscard]] std::string id() const;

private:
    friend class Client;
    explicit User(std::shared_ptr<detail::ClientState> shared);

    std::shared_ptr<detail::ClientState> shared_;
};

class Client {
public:
    // Starts the I/O thread; connect() starts connecting. Throws std::runtime_error for a CA
    // file that cannot be read.
    explicit Client(Options options);
    ~Client();  // disconnects (running no callback) and stops the I/O thread
    Client(const Client&) = delete;
    Client& operator=(const Client&) = delete;

    void connect();
    void disconnect();

    [[nodiscard]] State state() const;
    [[nodiscard]] std::string socket_id() const;  // "" unless connected

    // Set before connect(): each replaces the previous one.
    void on_state_change(StateCallback callback);
    void on_error(Callback callback);  // pusher:error events (data {"code","message"})

    // Throws std::invalid_argument for an invalid channel name (protocol.md §6.2).
    Channel subscribe(const std::string& channel);
    void unsubscribe(const std::string& channel);
    // A handle on a channel, subscribed or not.
    [[nodiscard]] Channel channel(const std::string& channel);

    // `callback` runs for every channel event, after the channel's own bindings.
    BindingId bind_global(Callback callback);
    void unbind(BindingId id);

    util::Result<void, std::string> trigger(std::string_view channel, std::string_view event,
                                            std::string_view data_json);

    // Signs the user in once connected, and again after every reconnect (protocol.md §10.7),
    // with Options::user_authenticator or Options::user_auth_endpoint.
    void signin();
    [[nodiscard]] User user();

private:
    std::shared_ptr<detail::ClientState> shared_;
};

}  // namespace herald::client
