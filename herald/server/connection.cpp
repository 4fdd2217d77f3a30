#include "herald/server/connection.h"

#include <utility>

#include <spdlog/spdlog.h>

#include "herald/pusher/auth.h"
#include "herald/pusher/channel.h"
#include "herald/pusher/server_message.h"
#include "herald/server/console_event.h"
#include "herald/util/assert.h"
#include "herald/ws/broadcast.h"

namespace herald::server {

namespace {

using pusher::ChannelKind;
using pusher::ErrorCode;
using pusher::SubscriptionErrorType;

constexpr std::uint16_t kStatusUnauthorized = 401;
constexpr std::string_view kOverQuota = "Application is over connection quota";
constexpr std::uint16_t kStatusBadRequest = 400;
constexpr std::uint16_t kStatusTooLarge = 413;

// herald_messages_received_total's kind of a parsed client message.
MessageKind kind_of(const pusher::ClientMessage& message) {
    return std::visit(
            [](const auto& m) {
                using T = std::decay_t<decltype(m)>;
                if constexpr (std::is_same_v<T, pusher::Subscribe>) {
                    return MessageKind::Subscribe;
                } else if constexpr (std::is_same_v<T, pusher::Unsubscribe>) {
                    return MessageKind::Unsubscribe;
                } else if constexpr (std::is_same_v<T, pusher::ClientEvent>) {
                    return MessageKind::ClientEvent;
                } else if constexpr (std::is_same_v<T, pusher::Ping>) {
                    return MessageKind::Ping;
                } else if constexpr (std::is_same_v<T, pusher::Signin>) {
                    return MessageKind::Signin;
                } else {
                    return MessageKind::Other;
                }
            },
            message);
}

}  // namespace

Connection::Connection(ServerContext& context, AppPtr app, net::Worker& worker,
                       std::unique_ptr<Transport> transport)
    : context_(context),
      app_(std::move(app)),
      app_index_(context.apps.index_of(*app_)),
      worker_(worker.index()),
      worker_ref_(worker),
      counters_(context.workers[worker_]->counters),
      socket_(std::move(transport)) {}

Connection::~Connection() = default;

void Connection::dropped_as_slow_consumer() {
    if (open_) {
        counters_.slow_consumer_dropped(app_index_);
    }
}

void Connection::update_app(AppPtr app) {
    HERALD_ASSERT(app && app->id == app_->id);
    app_ = std::move(app);
}

void reject_connection(Transport& socket, ErrorCode code, std::string_view message) {
    socket.send(pusher::pusher_error(code, message));
    socket.close(pusher::to_int(code), message.substr(0, pusher::kMaxCloseReasonBytes));
}

void Connection::open() {
    if (context_.draining.load(std::memory_order_relaxed)) {
        context_.metrics.refused(RefusalReason::Draining);
        reject_connection(*socket_, ErrorCode::ReconnectImmediately,
                          "Server is shutting down, reconnect");
        return;
    }
    auto& count = context_.app_connections[app_index_];
    const auto max = app_->limits.max_connections;
    if (count.fetch_add(1, std::memory_order_relaxed) >= max && max > 0) {
        count.fetch_sub(1, std::memory_order_relaxed);
        context_.metrics.refused(RefusalReason::AppLimit);
        report([] {
            return ConsoleEvent("error")
                    .number("code", to_int(ErrorCode::OverConnectionQuota))
                    .text("message", kOverQuota)
                    .finish();
        });
        reject_connection(*socket_, ErrorCode::OverConnectionQuota, kOverQuota);
        return;
    }
    auto& worker = *context_.workers[worker_];
    socket_id_ = worker.ids.next();
    open_ = true;
    opened_at_ = last_seen_ = net::Worker::now();
    worker.connections.push_back(*this);
    worker_ref_.add_tickable(*this);
    counters_.opened(app_index_);
    report([this] {
        const auto peer = socket_->peer();
        return ConsoleEvent("connection_opened")
                .text("socket_id", socket_id_)
                .text("remote_address", peer.remote_address)
                .text("user_agent", peer.user_agent)
                .text("client", peer.client)
                .text("protocol", peer.protocol)
                .finish();
    });
    send(pusher::connection_established(socket_id_, context_.config.activity_timeout));
}

void Connection::send(std::string_view text) {
    counters_.sent(app_index_, text.size());
    if (context_.config.verbose) {
        spdlog::info("{} > {}", socket_id_, text);
    }
    socket_->send(text);
}

void Connection::send(const ws::Broadcast& message, Flush flush) {
    counters_.sent(app_index_, message.payload().size());
    if (context_.config.verbose) {
        spdlog::info("{} > {}", socket_id_, message.payload());
    }
    socket_->send(message, flush);
}

void Connection::error(std::string_view message, ErrorCode code,
                       std::optional<std::string_view> channel) {
    report([&] {
        ConsoleEvent event("error");
        event.text("socket_id", socket_id_);
        if (code != ErrorCode::NoCode) {  // "code": null on the wire: left out here
            event.number("code", to_int(code));
        }
        event.text("message", message);
        if (channel) {
            event.text("channel", *channel);
        }
        return event.finish();
    });
    send(pusher::pusher_error(code, message, channel));
}

void Connection::close(ErrorCode code, std::string_view message) {
    if (!open_) {
        return;
    }
    error(message, code);
    socket_->close(pusher::to_int(code), message.substr(0, pusher::kMaxCloseReasonBytes));
}

void Connection::receive(const web::Message& message) {
    if (!open_) {
        return;
    }
    last_seen_ = net::Worker::now();
    ping_outstanding_ = false;
    if (context_.config.verbose) {
        spdlog::info("{} < {}", socket_id_, message.binary ? "(binary frame)" : message.data);
    }
    if (message.binary) {
        counters_.received(app_index_, MessageKind::Other, message.data.size());
        error("Binary frames are not part of the Pusher protocol; send JSON text frames");
        return;
    }
    if (message.data.size() > app_->limits.max_message_bytes) {
        counters_.received(app_index_, MessageKind::Other, message.data.size());
        error("Message of " + std::to_string(message.data.size()) + " bytes exceeds the limit of " +
              std::to_string(app_->limits.max_message_bytes) + " bytes");
        return;
    }
    auto parsed = context_.workers[worker_]->parser.parse(message.data);
    if (!parsed) {
        counters_.received(app_index_, MessageKind::Other, message.data.size());
        error(pusher::describe(parsed.error()), pusher::error_code(parsed.error()));
        return;
    }
    counters_.received(app_index_, kind_of(*parsed), message.data.size());
    std::visit(
            [this](const auto& m) {
                using T = std::decay_t<decltype(m)>;
                if constexpr (std::is_same_v<T, pusher::Ping>) {
                    static const std::string kPong = pusher::pong();  // the same every time
                    send(kPong);
                } else if constexpr (std::is_same_v<T, pusher::Pong> ||
                                     std::is_same_v<T, pusher::OtherEvent>) {
                    // Activity only (§4.2); unknown events are ignored (§4.9 rule 1).
                } else {
                    handle(m);
                }
            },
            *parsed);
}

void Connection::refuse(std::string_view channel, SubscriptionErrorType type,
                        std::string_view error, std::uint16_t status) {
    report([&] {
        return ConsoleEvent("error")
                .text("socket_id", socket_id_)
                .text("channel", channel)
                .number("status", status)
                .text("message", error)
                .finish();
    });
    send(pusher::subscription_error(channel, type, error, status));
}

void Connection::handle(const pusher::Subscribe& request) {
    const auto& channel = request.channel;
    if (const auto fault =
                pusher::check_channel_name(channel, app_->limits.max_channel_name_length)) {
        refuse(channel, SubscriptionErrorType::InvalidChannel,
               "Invalid channel name '" + channel + "': " + std::string(pusher::describe(*fault)),
               to_int(ErrorCode::ConnectionUnauthorized));
        return;
    }
    const auto kind = pusher::classify_channel(channel);
    if (subscriptions_.contains(channel)) {
        if (pusher::is_presence(kind)) {
            error("Existing subscription to " + channel);
        } else {
            send(pusher::subscription_succeeded(channel));
        }
        return;
    }
    if (kind == ChannelKind::ServerToUser) {
        // Joined at sign-in (§4.12); the client's own subscribe only needs an answer.
        const auto id = pusher::server_to_user_id(channel);
        if (user_ && id && *id == user_->id) {
            send(pusher::subscription_succeeded(channel));
        } else {
            refuse(channel, SubscriptionErrorType::AuthError,
                   "Subscribing to " + channel + " requires being signed in as that user",
                   kStatusUnauthorized);
        }
        return;
    }
    if (subscriptions_.size() >= app_->limits.max_channels_per_connection) {
        refuse(channel, SubscriptionErrorType::LimitReached,
               "A connection may subscribe to at most " +
                       std::to_string(app_->limits.max_channels_per_connection) + " channels",
               to_int(ErrorCode::OverCapacity));
        return;
    }
    std::optional<pusher::Member> member;
    if (pusher::requires_auth(kind) && !authorize(request, kind, member)) {
        return;
    }
    join(channel, kind, member);
}

bool Connection::authorize(const pusher::Subscribe& request, ChannelKind kind,
                           std::optional<pusher::Member>& member) {
    const auto& channel = request.channel;
    const bool presence = pusher::is_presence(kind);
    if (presence && !request.channel_data && !user_) {
        refuse(channel, SubscriptionErrorType::AuthError,
               "Presence subscription without channel_data requires a signed-in user",
               kStatusUnauthorized);
        return false;
    }
    const auto to_sign = pusher::channel_string_to_sign(
            socket_id_, channel,
            request.channel_data ? std::optional<std::string_view>(*request.channel_data)
                                 : std::nullopt);
    switch (pusher::verify_auth(request.auth, app_->key, app_->secret, to_sign)) {
        case pusher::AuthCheck::Ok:
            break;
        case pusher::AuthCheck::Malformed:
        case pusher::AuthCheck::WrongKey:
            refuse(channel, SubscriptionErrorType::AuthError,
                   pusher::invalid_key_message(request.auth), kStatusUnauthorized);
            return false;
        case pusher::AuthCheck::BadSignature:
            refuse(channel, SubscriptionErrorType::AuthError,
                   pusher::invalid_signature_message(to_sign, request.auth), kStatusUnauthorized);
            return false;
    }
    if (!presence) {
        return true;
    }
    if (!request.channel_data) {
        member = pusher::Member{user_->id, user_->user_info};
        return true;
    }
    const pusher::MemberLimits limits{app_->limits.max_user_id_length,
                                      app_->limits.max_user_info_bytes};
    auto parsed = pusher::parse_channel_data(*request.channel_data, limits);
    if (!parsed) {
        const auto fault = parsed.error();
        const bool too_large = fault == pusher::MemberFault::UserIdTooLong ||
                               fault == pusher::MemberFault::UserInfoTooLarge;
        refuse(channel,
               too_large ? SubscriptionErrorType::LimitReached : SubscriptionErrorType::AuthError,
               "Invalid channel_data: " + std::string(pusher::describe(fault)),
               too_large ? kStatusTooLarge : kStatusBadRequest);
        return false;
    }
    member = std::move(*parsed);
    return true;
}

void Connection::join(const std::string& channel, ChannelKind kind,
                      const std::optional<pusher::Member>& member) {
    auto subscription = std::make_unique<Subscription>(this, channel);
    auto outcome =
            context_.hub.subscribe(app_index_, worker_, *subscription, member ? &*member : nullptr);
    if (outcome.refused) {
        refuse(channel, SubscriptionErrorType::LimitReached,
               "The presence channel " + channel + " is full (" +
                       std::to_string(app_->limits.max_presence_members) + " members)",
               to_int(ErrorCode::OverCapacity));
        return;
    }
    report([&] {
        return ConsoleEvent("subscribed")
                .text("socket_id", socket_id_)
                .text("channel", channel)
                .maybe_text("user_id",
                            member ? std::optional<std::string>(member->user_id) : std::nullopt)
                .finish();
    });
    subscriptions_.insert(std::move(subscription));
    send(member ? pusher::presence_subscription_succeeded(channel, std::move(outcome.roster))
                : pusher::subscription_succeeded(channel));
    if (pusher::is_cache(kind)) {
        send(outcome.cache ? pusher::channel_event(outcome.cache->event, channel,
                                                   pusher::EventData::string(outcome.cache->data))
                           : pusher::cache_miss(channel));
    }
}

void Connection::handle(const pusher::Unsubscribe& request) {
    leave(request.channel);
}

void Connection::leave(const std::string& channel) {
    Subscription* subscription = subscriptions_.find(channel);
    if (subscription == nullptr) {
        return;  // §4.6: a no-op
    }
    context_.hub.unsubscribe(app_index_, worker_, *subscription);
    // A user's own channel comes and goes with its sign-in, which the console shows instead.
    if (pusher::classify_channel(channel) != ChannelKind::ServerToUser) {
        report([&] {
            return ConsoleEvent("unsubscribed")
                    .text("socket_id", socket_id_)
                    .text("channel", channel)
                    .maybe_text("user_id", subscription->user_id)
                    .finish();
        });
    }
    subscriptions_.erase(channel);
}

bool Connection::allow_client_event(net::Clock::time_point now) {
    const auto limit = app_->limits.max_client_events_per_second;
    if (limit == 0) {
        return true;
    }
    if (now - rate_window_ >= std::chrono::seconds(1)) {
        rate_window_ = now;
        rate_count_ = 0;
    }
    return ++rate_count_ <= limit;
}

void Connection::handle(const pusher::ClientEvent& event) {
    const auto& channel = event.channel;
    if (!app_->client_events) {
        error("Client events are not enabled for this app", ErrorCode::NoCode, channel);
        return;
    }
    const auto kind = pusher::classify_channel(channel);
    if (!pusher::accepts_client_events(kind)) {
        error("Client events are only accepted on private and presence channels, not on " + channel,
              ErrorCode::NoCode, channel);
        return;
    }
    Subscription* subscription = subscriptions_.find(channel);
    if (subscription == nullptr) {
        error("Cannot broadcast client event (connection not subscribed to channel " + channel +
                      ")",
              ErrorCode::NoCode, channel);
        return;
    }
    if (event.event.size() > app_->limits.max_event_name_length) {
        error("Event name is longer than " + std::to_string(app_->limits.max_event_name_length) +
                      " bytes",
              ErrorCode::NoCode, channel);
        return;
    }
    if (pusher::data_bytes(event.data) > app_->limits.max_event_data_bytes) {
        error("Event data is larger than " + std::to_string(app_->limits.max_event_data_bytes) +
                      " bytes",
              ErrorCode::NoCode, channel);
        return;
    }
    if (!allow_client_event(net::Worker::now())) {
        error("Client event rejected due to rate limit (" +
                      std::to_string(app_->limits.max_client_events_per_second) + " per second)",
              ErrorCode::ClientEventRateLimit, channel);
        return;
    }
    context_.hub.relay_client_event(app_index_, event, socket_id_, subscription->user_id);
    report([&] {
        return ConsoleEvent("client_event")
                .text("socket_id", socket_id_)
                .text("channel", channel)
                .text("event", event.event)
                .text("data", event.data.text)
                .maybe_text("user_id", subscription->user_id)
                .finish();
    });
}

ConnectionRef Connection::ref() {
    return ConnectionRef{worker_, weak_from_this(), this};
}

void Connection::signin_failed(std::string_view message) {
    if (app_->user_authentication_required) {
        close(ErrorCode::ConnectionUnauthorized, message);
    } else {
        error(message, ErrorCode::ConnectionUnauthorized);
    }
}

void Connection::handle(const pusher::Signin& request) {
    const auto to_sign = pusher::user_string_to_sign(socket_id_, request.user_data);
    const auto check = pusher::verify_auth(request.auth, app_->key, app_->secret, to_sign);
    if (check != pusher::AuthCheck::Ok) {
        signin_failed("Invalid signin: " +
                      (check == pusher::AuthCheck::BadSignature
                               ? pusher::invalid_signature_message(to_sign, request.auth)
                               : pusher::invalid_key_message(request.auth)));
        return;
    }
    auto parsed = pusher::parse_user_data(request.user_data);
    if (!parsed) {
        signin_failed("Invalid signin: user_data " + std::string(pusher::describe(parsed.error())));
        return;
    }
    if (user_) {
        if (user_->id == parsed->id) {
            send(pusher::signin_success(request.user_data));
        } else {
            signin_failed("Invalid signin: this connection is already signed in as " + user_->id);
        }
        return;
    }
    user_ = std::make_unique<pusher::User>(std::move(*parsed));
    report([this] {
        return ConsoleEvent("signin")
                .text("socket_id", socket_id_)
                .text("user_id", user_->id)
                .finish();
    });
    send(pusher::signin_success(request.user_data));
    if (user_->watchlist_truncated) {
        error("Watchlist limit exceeded: only the first " +
                      std::to_string(pusher::kMaxWatchlistSize) + " user ids are watched",
              ErrorCode::WatchlistLimitExceeded);
    }
    auto name = pusher::server_to_user_channel(user_->id);
    auto user_channel = std::make_unique<Subscription>(this, name);
    auto outcome = context_.hub.sign_in(app_index_, ref(), *user_channel, *user_);
    subscriptions_.insert(std::move(user_channel));
    std::vector<pusher::WatchlistEvent> events;
    if (!outcome.online.empty()) {
        events.push_back({pusher::WatchlistStatus::Online, std::move(outcome.online)});
    }
    if (!outcome.offline.empty()) {
        events.push_back({pusher::WatchlistStatus::Offline, std::move(outcome.offline)});
    }
    if (!events.empty()) {
        send(pusher::watchlist_events(events));
    }
}

void Connection::closed(std::uint16_t code, std::string_view reason) {
    if (!open_) {
        return;
    }
    open_ = false;
    counters_.closed(app_index_, code);
    while (!subscriptions_.empty()) {
        const std::string channel = subscriptions_.back().channel;  // leave() destroys it
        leave(channel);
    }
    if (user_) {
        context_.hub.sign_out(app_index_, this, *user_);
    }
    worker_ref_.remove_tickable(*this);
    context_.workers[worker_]->connections.remove(*this);
    context_.app_connections[app_index_].fetch_sub(1, std::memory_order_relaxed);
    report([&] {
        return ConsoleEvent("connection_closed")
                .text("socket_id", socket_id_)
                .number("code", code)
                .text("reason", reason)
                .finish();
    });
}

void Connection::on_tick(net::Clock::time_point now) {
    if (!open_) {
        return;
    }
    if (app_->user_authentication_required && !user_ &&
        now - opened_at_ >= context_.config.user_authentication_timeout) {
        close(ErrorCode::ConnectionUnauthorized,
              "Connection not signed in within " +
                      std::to_string(context_.config.user_authentication_timeout.count()) +
                      " seconds");
        return;
    }
    if (ping_outstanding_) {
        if (now - ping_sent_at_ >= context_.config.pong_timeout) {
            close(ErrorCode::PongReplyNotReceived, "Pong reply not received");
        }
        return;
    }
    if (now - last_seen_ >= context_.config.activity_timeout) {
        send(pusher::ping());
        ping_outstanding_ = true;
        ping_sent_at_ = now;
    }
}

}  // namespace herald::server
