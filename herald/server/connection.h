// herald/server/connection.h
//
// One Pusher connection (protocol.md §2-§4, §11.1-§11.2): the client-message handler over a
// WebSocket or an HTTP session (its Transport). It sends connection_established, answers pings,
// runs subscriptions with their signature checks and limits, relays client events, signs users
// in, keeps the activity timer, and on close leaves every channel exactly as if it had
// unsubscribed.
// Owner: its worker (every method on that thread); kept alive by its WebSocket, whose handler it
// is, or by its HTTP session.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "herald/net/worker.h"
#include "herald/pusher/channel.h"
#include "herald/pusher/error_code.h"
#include "herald/pusher/member.h"
#include "herald/pusher/message.h"
#include "herald/pusher/server_message.h"
#include "herald/server/context.h"
#include "herald/server/local_channels.h"
#include "herald/server/subscription_set.h"
#include "herald/server/transport.h"
#include "herald/util/prefetch.h"
#include "herald/web/websocket.h"

namespace herald::server {

class Connection final : public net::Tickable,
                         public net::ListHook<ConnectionListTag>,
                         public web::WebSocket::Handler,
                         public std::enable_shared_from_this<Connection> {
public:
    Connection(ServerContext& context, AppPtr app, net::Worker& worker,
               std::unique_ptr<Transport> transport);
    ~Connection() override;
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    // Counts the connection against its app's quota (or refuses it, §2.3 steps 1 and 8), then
    // sends connection_established and starts the activity timer.
    void open();
    void receive(const web::Message& message);
    // The WebSocket has closed with `code` (0: none known) and `reason`: leave every channel,
    // sign out.
    void closed(std::uint16_t code = 0, std::string_view reason = {});

    // pusher:error with `code`, then a close frame with the same code.
    void close(pusher::ErrorCode code, std::string_view message);

    void send(std::string_view text);
    void send(const ws::Broadcast& message, Flush flush = Flush::EndOfTurn);

    [[nodiscard]] const std::string& socket_id() const noexcept { return socket_id_; }

    // The stages of a broadcast walk's look-ahead (Hub::deliver_on_worker), stage kPrefetchStages
    // for the subscriber that far ahead down to 1 for the next one, each reading only what the
    // stage before made arrive: this connection's lines, its transport's, then what the
    // transport's send reads (Transport::prefetch, prefetch_next).
    static constexpr std::size_t kPrefetchStages = 4;

    void prefetch(std::size_t stage) const noexcept {
        switch (stage) {
            case kPrefetchStages:
                util::prefetch(&app_index_);  // app_index_ to socket_: what send() reads (not
                util::prefetch(&socket_);     // context_: a reference's address is its referent's)
                break;
            case kPrefetchStages - 1:
                util::prefetch(socket_.get());
                break;
            case kPrefetchStages - 2:
                socket_->prefetch();
                break;
            default:
                socket_->prefetch_next();
                break;
        }
    }

    // The app's slot (AppRegistry), and the version of the app the connection follows.
    [[nodiscard]] std::size_t app_index() const noexcept { return app_index_; }

    [[nodiscard]] const AppPtr& app() const noexcept { return app_; }

    // The WebSocket is closing this connection (4100): it did not read what was sent to it.
    void dropped_as_slow_consumer();
    // The app's settings changed (a reload): limits, switches and the secret apply from the next
    // message, subscription and sign-in on. Same app id.
    void update_app(AppPtr app);

    [[nodiscard]] bool is_open() const noexcept { return open_; }

    void on_tick(net::Clock::time_point now) override;

    // Over a WebSocket, the socket's handler: it holds the connection while it is open.
    void on_open(web::WebSocket& /*socket*/) override { open(); }

    void on_message(web::WebSocket& /*socket*/, const web::Message& message) override {
        receive(message);
    }

    void on_close(web::WebSocket& /*socket*/, std::uint16_t code,
                  std::string_view reason) override {
        closed(code, reason);
    }

    void on_overflow(web::WebSocket& /*socket*/) override { dropped_as_slow_consumer(); }

private:
    void handle(const pusher::Subscribe& request);
    void handle(const pusher::Unsubscribe& request);
    void handle(const pusher::Signin& request);
    void handle(const pusher::ClientEvent& event);

    // Checks the channel's signature and builds the presence member; sends the refusal itself.
    bool authorize(const pusher::Subscribe& request, pusher::ChannelKind kind,
                   std::optional<pusher::Member>& member);
    // Subscribes through the hub and answers the client (subscription_succeeded or the refusal,
    // then the cache replay or miss).
    void join(const std::string& channel, pusher::ChannelKind kind,
              const std::optional<pusher::Member>& member);
    void leave(const std::string& channel);
    void signin_failed(std::string_view message);
    [[nodiscard]] ConnectionRef ref();
    void refuse(std::string_view channel, pusher::SubscriptionErrorType type,
                std::string_view error, std::uint16_t status);
    void error(std::string_view message, pusher::ErrorCode code = pusher::ErrorCode::NoCode,
               std::optional<std::string_view> channel = std::nullopt);
    bool allow_client_event(net::Clock::time_point now);

    // Hands the event `build` makes to the dashboard's console, if one watches this app.
    template <typename Build>
    void report(Build build) {
        if (context_.feed.watching(app_index_)) {
            context_.feed.publish(app_index_, build());
        }
    }

    ServerContext& context_;
    AppPtr app_;  // replaced by update_app(), on this worker
    std::size_t app_index_;
    std::size_t worker_;
    net::Worker& worker_ref_;
    ConnectionCounters& counters_;  // the worker's
    std::unique_ptr<Transport> socket_;
    std::string socket_id_;
    SubscriptionSet subscriptions_;
    std::unique_ptr<pusher::User> user_;  // signed in: the user (rare enough to live apart)
    net::Clock::time_point opened_at_{};
    net::Clock::time_point last_seen_{};
    net::Clock::time_point ping_sent_at_{};
    net::Clock::time_point rate_window_{};
    std::size_t rate_count_ = 0;
    bool ping_outstanding_ = false;
    bool open_ = false;
};

// Refuses a connection during the handshake (§2.3): pusher:error with `code`, then a close frame
// with the same code.
void reject_connection(Transport& socket, pusher::ErrorCode code, std::string_view message);

}  // namespace herald::server
