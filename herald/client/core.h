// herald/client/core.h
//
// The realtime client without I/O: pusher-js's connection state machine (protocol.md §10.4),
// the reconnection decision (§5, §10.5), keep-alive (§10.3), channel subscriptions with
// authorization (§10.6, §7) and presence members (§4.4, §4.7), encrypted channels (§7.8),
// client events (§4.9) and user sign-in with its events (§4.11-§4.13, §10.7). The
// transport and the application are hooks; time is passed in with every call and
// next_deadline() says when tick() is due. client.h runs it over a WebSocket.
// Owner: one thread at a time (the client's I/O thread). Hooks run inside the calls.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "herald/client/channels.h"
#include "herald/client/reconnect.h"
#include "herald/pusher/message.h"
#include "herald/pusher/server_message_reader.h"
#include "herald/util/result.h"

namespace herald::client {

using Clock = std::chrono::steady_clock;

// §10.4, with Failed for a refusal (4000-4099, 4300+) and Disconnected for disconnect().
enum class State : std::uint8_t {
    Initialized,   // made, connect() not called yet
    Connecting,    // a connection is being made, or the next attempt is waiting
    Connected,     // connection_established received: socket_id known
    Unavailable,   // still not connected after unavailable_timeout; attempts go on
    Failed,        // the server refused the connection for good; no more attempts
    Disconnected,  // disconnect() was called
};

[[nodiscard]] std::string_view to_string(State state) noexcept;

struct Timeouts {
    std::chrono::milliseconds activity{120000};    // silence before we send pusher:ping
    std::chrono::milliseconds pong{30000};         // then silence before the connection is lost
    std::chrono::milliseconds unavailable{10000};  // connecting this long: state unavailable
    std::chrono::milliseconds first_backoff{1000};
    std::chrono::milliseconds max_backoff{30000};  // the back-off's cap
};

// An event for the application: a channel event (channel set) or a connection-level one.
// `data` is the text of the data field (§3.3): a JSON string's contents, otherwise the value's
// compact JSON; "" when absent.
struct Event {
    std::string event;
    std::string channel;
    std::string data;
    std::optional<std::string> user_id;  // presence client events; the member's id for
                                         // pusher:member_added / pusher:member_removed
};

// What an authorizer returns: the JSON object an auth endpoint answers (§7.6,
// {"auth": ..., "channel_data"?: ...}), or why there is none.
using AuthResult = util::Result<std::string, std::string>;
using Authorizer =
        std::function<AuthResult(std::string_view socket_id, std::string_view channel_name)>;
// What a user authenticator returns (§7.5, §10.7): {"auth": ..., "user_data": "..."}, or why
// there is none.
using UserAuthenticator = std::function<AuthResult(std::string_view socket_id)>;

// Where a user event goes (§4.11-§4.13): the user's own bindings (pusher:signin_success,
// pusher:signin_error, the events of #server-to-user-<id>) or the watchlist's (online, offline).
enum class UserScope : std::uint8_t {
    User,
    Watchlist,
};

struct CoreHooks {
    std::function<void()> open;  // open a new WebSocket
    // 4000 (§5.2): the following `open`s go over TLS. False when that cannot be (already TLS,
    // or no TLS set-up): the connection then fails.
    std::function<bool()> use_tls;
    std::function<void(const std::string&)> send;  // one text frame on the open WebSocket
    std::function<void(std::uint16_t code)> drop;  // close it; nothing more is reported of it
    std::function<void(State previous, State current)> state_changed;
    std::function<void(const Event&)> event;  // channel events and pusher:error
    Authorizer authorize;                     // private and presence channels
    // Instead of `authorize` when that is empty: starts an authorization whose answer comes
    // later through Core::authorized() (the HTTP auth endpoint, off the I/O thread).
    std::function<void(const std::string& socket_id, const std::string& channel)> authorize_async;
    std::function<double()> random;  // uniform in [0, 1), for the jitter
    // signin(): a user authenticator, or one whose answer comes later through
    // Core::user_authenticated() (used when `authenticate_user` is empty).
    UserAuthenticator authenticate_user;
    std::function<void(const std::string& socket_id)> authenticate_user_async;
    std::function<void(const Event&, UserScope)> user_event;
};

class Core {
public:
    Core(Timeouts timeouts, CoreHooks hooks);

    // Starts connecting unless already connecting or connected.
    void connect(Clock::time_point now);
    // Drops the connection and stops reconnecting (state disconnected).
    void disconnect();

    // The transport's reports about the WebSocket asked for by `open`.
    void socket_message(std::string_view text, Clock::time_point now);
    void socket_closed(std::uint16_t code, Clock::time_point now);

    // Runs what is due (ping, pong timeout, unavailable, the next attempt).
    void tick(Clock::time_point now);
    [[nodiscard]] std::optional<Clock::time_point> next_deadline() const;

    // Keeps the channel and subscribes it now if connected (§10.6). An invalid name is an error.
    [[nodiscard]] util::Result<void, std::string> subscribe(std::string_view channel);
    void unsubscribe(std::string_view channel);

    // The answer to an authorize_async call. Ignored unless the channel is still waiting for it
    // on the same socket id. A refusal's pusher:subscription_error carries `http_status` when
    // it is not 0 (pusher-js's "status").
    void authorized(std::string_view socket_id, std::string_view channel, const AuthResult& result,
                    int http_status = 0);

    // §4.9 and §10.6: a client-* event on a subscribed private or presence channel, at most
    // kMaxClientEventsPerSecond a second; `data_json` is JSON text sent as the data value.
    [[nodiscard]] util::Result<void, std::string> trigger(std::string_view channel,
                                                          std::string_view event,
                                                          std::string_view data_json,
                                                          Clock::time_point now);

    // §10.7: signs in now if connected, and again on every new connection.
    void signin();
    // The answer to an authenticate_user_async call; ignored unless a sign-in is waiting for
    // it on the same socket id.
    void user_authenticated(std::string_view socket_id, const AuthResult& result,
                            int http_status = 0);

    // The signed-in user's id ("" until pusher:signin_success on the current connection).
    [[nodiscard]] const std::string& user_id() const noexcept { return user_id_; }

    [[nodiscard]] State state() const noexcept { return state_; }

    [[nodiscard]] const std::string& socket_id() const noexcept { return socket_id_; }

    [[nodiscard]] const ChannelBook& channels() const noexcept { return channels_; }

    // The activity timeout in use (§10.3): the option, lowered by the server's.
    [[nodiscard]] std::chrono::milliseconds activity_timeout() const noexcept { return activity_; }

private:
    void set_state(State state);
    void open_socket(Clock::time_point now);
    void lose(AfterClose action, Clock::time_point now);
    void handshake(const std::string& event, const pusher::EventData& data, Clock::time_point now);
    void established(std::string socket_id, std::chrono::milliseconds activity);
    void send_subscribe(const std::string& channel);
    void refuse(const std::string& channel, std::string_view type, std::string_view error,
                int http_status = 0);
    void subscribe_authorized(const std::string& channel, const AuthResult& result,
                              int http_status);
    void channel_message(const std::string& event, const std::string& channel,
                         const pusher::EventData& data, std::optional<std::string> user_id);
    // Encrypted channels (core_encrypted.cpp, §7.8).
    [[nodiscard]] static util::Result<std::string, std::string> channel_key(
            const pusher::Authorization& authorization);
    void encrypted_event(const std::string& channel, const std::string& event, std::string payload);
    void rekeyed(const std::string& channel, const AuthResult& result);
    void emit_sealed(const std::string& channel, std::string_view key, const SealedEvent& sealed);
    void emit(std::string event, std::string channel, std::string data,
              std::optional<std::string> user_id = std::nullopt);
    // Sign-in (core_user.cpp, §4.11-§4.13).
    void start_signin();
    void send_signin(const AuthResult& result, int http_status);
    [[nodiscard]] bool user_message(pusher::ServerMessage& message);
    void signed_in(const pusher::EventData& data);
    void signin_error(std::string_view error, int http_status = 0);
    void signed_out();
    void emit_user(std::string event, std::string channel, std::string data, UserScope scope);

    Timeouts timeouts_;
    CoreHooks hooks_;
    State state_ = State::Initialized;
    ChannelBook channels_;
    Backoff backoff_;
    std::string socket_id_;
    std::chrono::milliseconds activity_;
    bool socket_open_ = false;  // a WebSocket asked for and not yet closed or dropped
    bool established_ = false;  // ... and connection_established received on it
    bool ping_sent_ = false;
    Clock::time_point last_received_{};
    Clock::time_point ping_sent_at_{};
    Clock::time_point connecting_since_{};
    std::optional<Clock::time_point> retry_at_;
    std::deque<Clock::time_point> client_events_;  // sent in the last second
    bool signin_requested_ = false;
    bool signin_waiting_ = false;  // the authenticator was asked on this connection
    std::string user_id_;
    std::string user_channel_;  // #server-to-user-<id> once signed in
};

}  // namespace herald::client
