// herald/client/client.h
//
// The realtime client (pusher-js in C++): connects to a Pusher-protocol server over web's
// WebSocket client, keeps the connection (reconnection, keep-alive) and the application's
// channels (subscriptions restored after every reconnect, presence members, client events).
// The decisions are the sans-I/O Core's (core.h); this file runs it on a thread of its own.
// Threads: every callback runs on the client's I/O thread, one at a time; every public method
// may be called from any thread (it posts to the I/O thread, and the ones that answer wait for
// it, or run at once when called from a callback). Do not destroy the Client in its callbacks.
// Owner: the application (Client); Channel handles may be copied and kept anywhere.
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
    std::string key;                 // the app key
    std::string host = "127.0.0.1";  // a name or an address (IPv6 without brackets)
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
    // The I/O thread to run on, shared with other Clients (loop.h); empty: a thread of its own.
    std::shared_ptr<Loop> loop;
};

// ws[s]://HOST:PORT[PREFIX]/app/KEY?protocol=7&client=herald-cpp&version=...&flash=false
[[nodiscard]] std::string websocket_url(const Options& options);

using Callback = std::function<void(const Event&)>;
using StateCallback = std::function<void(State previous, State current)>;
using BindingId = std::uint64_t;

class Client;

// A subscribed (or wanted) channel. Copies refer to the same channel of the same client.
class Channel {
public:
    [[nodiscard]] const std::string& name() const noexcept { return name_; }

    // `callback` runs for each `event` on this channel (including the client-side names of
    // protocol.md §4.16: pusher:subscription_succeeded, pusher:subscription_error,
    // pusher:member_added, pusher:member_removed, pusher:subscription_count).
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
    struct Shared;
    Channel(std::shared_ptr<Shared> shared, std::string name);

    std::shared_ptr<Shared> shared_;
    std::string name_;
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

private:
    std::shared_ptr<Channel::Shared> shared_;
};

}  // namespace herald::client
