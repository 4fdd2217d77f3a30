#include "herald/server/server.h"

// <utility> first: Boost 1.74 headers rely on it under GCC 12 in C++20 mode.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <functional>
#include <future>
#include <stdexcept>
#include <thread>
#include <utility>

#include <spdlog/spdlog.h>

#include "herald/cluster/redis_adapter.h"
#include "herald/cluster/redis_url.h"
#include "herald/pusher/rest_signature.h"
#include "herald/pusher/socket_id.h"
#include "herald/server/address_limit.h"
#include "herald/server/admin_api.h"
#include "herald/server/admin_routes.h"
#include "herald/server/background_metrics.h"
#include "herald/server/cluster_node.h"
#include "herald/server/connection.h"
#include "herald/server/console_event.h"
#include "herald/server/context.h"
#include "herald/server/dashboard_assets.h"
#include "herald/server/fallback_sessions.h"
#include "herald/server/hub.h"
#include "herald/server/query_thread.h"
#include "herald/server/reload.h"
#include "herald/server/rest_api.h"
#include "herald/server/stats_history.h"
#include "herald/server/store_apps.h"
#include "herald/server/upgrade_gate.h"
#include "herald/server/webhook_events.h"
#include "herald/util/json_writer.h"
#include "herald/util/random.h"
#include "herald/web/server.h"

namespace herald::server {

namespace {

constexpr std::size_t kMaxWorkers = 64;  // the channel table's worker mask is 64 bits
// Frames up to this multiple of an app's message limit are read and answered with pusher:error
// (§2.6); beyond it the WebSocket layer closes with 1009 before buffering more.
constexpr std::size_t kFrameAllowance = 4;
constexpr std::size_t kMinFrameLimit = 256 * 1024;
// The admin listener serves only GETs of a few short paths, so its requests are small and quick:
// a client that trickles its request is cut off sooner, and a body is never buffered at length.
constexpr std::chrono::milliseconds kAdminRequestTimeout{5000};
constexpr std::size_t kAdminMaxHeaderBytes = 8 * 1024;
constexpr std::size_t kAdminMaxBodyBytes = 1024;
// With the dashboard: its event creator posts event data (the apps' limits apply after), and a
// console stream may queue this much for a browser that reads slowly before it is dropped.
constexpr std::size_t kDashboardMaxBodyBytes = 256 * 1024;
constexpr std::size_t kConsoleMaxQueuedBytes = 4 * 1024 * 1024;

std::size_t worker_count(std::size_t configured) {
    const auto n = configured != 0 ? configured
                                   : std::max<std::size_t>(1, std::thread::hardware_concurrency());
    if (n > kMaxWorkers) {
        throw std::runtime_error("threads = " + std::to_string(n) + ": at most " +
                                 std::to_string(kMaxWorkers) + " workers are supported");
    }
    return n;
}

web::ServerOptions websocket_options(const ServerConfig& config, const Endpoint& endpoint) {
    web::ServerOptions options;
    options.host = endpoint.host;
    options.port = endpoint.port;
    options.threads = worker_count(config.threads);
    // Without apps in the configuration (an app store's), the limits of an app by default.
    std::size_t max_message = config.apps.empty() ? AppLimits{}.max_message_bytes : 0;
    std::size_t max_queued = config.apps.empty() ? AppLimits{}.max_queued_bytes : 0;
    for (const auto& app : config.apps) {
        max_message = std::max(max_message, app.limits.max_message_bytes);
        max_queued = std::max(max_queued, app.limits.max_queued_bytes);
    }
    options.max_message_bytes = std::max(kMinFrameLimit, max_message * kFrameAllowance);
    options.max_queued_bytes = max_queued;
    options.overflow_close_code = pusher::to_int(pusher::ErrorCode::OverCapacity);
    options.ping_interval = std::chrono::milliseconds(0);  // Pusher-level pings (§4.2)
    // What a connection reads of its request once open: the origin check (which may wait for an
    // app store's answer) and the console's peer description.
    options.kept_request_fields = std::vector<std::string>{"Origin", "User-Agent"};
    if (config.tls) {  // both listeners: the REST API carries the app secret's signatures too
        options.tls = net::TlsServerOptions{config.tls->certificate_chain, config.tls->private_key};
    }
    return options;
}

std::string_view query_of(std::string_view target) {
    const auto q = target.find('?');
    return q == std::string_view::npos ? std::string_view{} : target.substr(q + 1);
}

class WebSocketTransport final : public Transport {
public:
    explicit WebSocketTransport(web::WebSocket& socket, AddressLimit::Slot slot = {})
        : socket_(socket), slot_(std::move(slot)) {}

    [[nodiscard]] PeerInfo peer() const override {
        const auto params = pusher::parse_query(query_of(socket_.url()));
        const auto find = [&params](std::string_view key) {
            for (const auto& p : params) {
                if (p.key == key) {
                    return p.value;
                }
            }
            return std::string();
        };
        return PeerInfo{socket_.remote_address(),
                        std::string(socket_.header("User-Agent").value_or("")), find("client"),
                        find("protocol")};
    }

    void send(std::string_view text) override { socket_.send(text); }

    void send(const ws::Broadcast& message, Flush flush) override {
        if (flush == Flush::Now) {
            socket_.send_now(message);
        } else {
            socket_.send(message);
        }
    }

    void close(std::uint16_t code, std::string_view reason) override {
        socket_.close(code, reason);
    }

    void prefetch() const noexcept override { socket_.prefetch_send_path(); }

    void prefetch_next() const noexcept override { socket_.prefetch_stream(); }

private:
    web::WebSocket& socket_;   // outlives the transport: its handler is the Connection
    AddressLimit::Slot slot_;  // the connection's count against its address, while it lives
};

// Once per tick of the first worker: sends the throttled subscription counts (§4.15) and
// records the dashboard's chart sample.
struct NodeTicker final : net::Tickable {
    void on_tick(net::Clock::time_point now) override {
        if (hub != nullptr) {
            hub->flush_counts(SteadyClock::now());
        }
        if (sample) {
            sample(now);
        }
    }

    Hub* hub = nullptr;
    std::function<void(net::Clock::time_point)> sample;
};

// Where the cluster's Redis is: `redis_url`, or the master `redis_sentinels` name (then the
// URL, when set, gives only the scheme, credentials, database and options).
cluster::RedisEndpoint redis_endpoint(const ServerConfig& config) {
    auto parsed = cluster::parse_redis_url(config.redis_url.value_or("redis://127.0.0.1"));
    if (!parsed) {
        throw std::runtime_error("redis_url: " + parsed.error());
    }
    auto endpoint = std::move(parsed).value();
    if (config.redis_sentinels) {
        auto sentinels = cluster::parse_sentinels(*config.redis_sentinels);
        if (!sentinels) {
            throw std::runtime_error("redis_sentinels: " + sentinels.error());
        }
        endpoint.sentinels = std::move(sentinels).value();
        if (config.redis_master_name) {
            endpoint.master_name = *config.redis_master_name;
        }
    } else if (config.redis_master_name) {
        throw std::runtime_error("redis_master_name needs redis_sentinels");
    }
    if (!endpoint.sentinels.empty() && endpoint.master_name.empty()) {
        throw std::runtime_error(
                "redis_sentinels needs redis_master_name (the name the sentinels monitor)");
    }
    if (config.redis_sentinel_password) {
        endpoint.sentinel_password = config.redis_sentinel_password;
    }
    return endpoint;
}

// The Redis cluster of `config`, or nullptr for a single node. `connections` is read at each
// heartbeat; `nodes_changed` hears of other nodes joining and leaving (on the cluster thread).
std::unique_ptr<cluster::RedisAdapter> redis_cluster(
        const ServerConfig& config, std::function<std::uint64_t()> connections,
        std::function<void(std::string_view, bool)> nodes_changed) {
    if (!config.clustered()) {
        return nullptr;
    }
    cluster::RedisOptions options;
    options.endpoint = redis_endpoint(config);
    options.tls_files = cluster::RedisTlsFiles{config.redis_ca_file.value_or(""),
                                               config.redis_cert_file.value_or(""),
                                               config.redis_key_file.value_or("")};
    options.lease = config.cluster_lease;
    options.connections = std::move(connections);
    options.on_node_change = std::move(nodes_changed);
    for (const auto& app : config.apps) {
        options.apps.push_back(cluster::AppCredentials{app.id, app.key, app.secret});
    }
    return std::make_unique<cluster::RedisAdapter>(std::move(options));
}

// Channel listings are built on the query thread, not on the worker that read the request.
RestOptions rest_options(QueryThread& queries, RestMetrics& metrics, DebugFeed& feed) {
    RestOptions options;
    options.metrics = &metrics;
    options.feed = &feed;
    options.off_loop = [&queries](std::function<void()> job) {
        return queries.post(std::move(job));
    };
    return options;
}

// A cluster node keeps no occupancy journal: its occupancy and member webhooks are the cluster's
// decisions, which other nodes may change after it crashed, and the lease clean-up already
// retracts a crashed node's share, once, from the node that reaps it.
webhooks::Settings webhook_settings(const ServerConfig& config) {
    auto settings = config.webhooks;
    settings.occupancy_journal = !config.clustered();
    return settings;
}

// A request deferred once already (waiting for the app store) whose handler defers again.
class ForwardedDeferral final : public web::Deferral {
public:
    explicit ForwardedDeferral(web::Responder respond) : respond_(std::move(respond)) {}

    web::Responder defer() override { return respond_; }

private:
    web::Responder respond_;
};

http::Response unavailable() {
    return http::text_response(503, "Server is shutting down\n");
}

}  // namespace

struct PusherServer::Impl {
    Impl(ServerConfig server_config, std::shared_ptr<AppSource> source)
        : config(with_default_app(std::move(server_config), source != nullptr)),
          store_source(std::move(source)),
          apps(config.apps, store_source ? config.app_store.max_apps : AppRegistry::kSpareSlots),
          webhooks(any_webhooks(config.apps) || store_source
                           ? std::make_unique<WebhookEvents>(webhook_settings(config), apps)
                           : nullptr),
          server(websocket_options(config, config.listen)),
          hub(apps, server.pool()),
          context(config, apps, hub, server.pool().size()),
          rest(apps, hub, rest_options(queries, context.metrics.rest(), context.feed)) {
        const auto node = static_cast<std::uint32_t>(util::FastRandom{}.next() % 1000000);
        std::size_t max_message = config.apps.empty() ? AppLimits{}.max_message_bytes : 0;
        for (const auto& app : config.apps) {
            max_message = std::max(max_message, app.limits.max_message_bytes);
        }
        for (std::size_t i = 0; i < server.pool().size(); ++i) {
            context.add_worker(max_message,
                               pusher::socket_id_prefix(node, static_cast<std::uint32_t>(i)));
        }
        if (store_source) {
            store = std::make_unique<StoreApps>(*store_source, apps, [this] { follow_store(); });
        }
        hub.set_verbose(config.verbose);
        hub.set_events(webhooks.get());
        if (webhooks) {
            webhooks->show_deliveries(context.feed, apps);
        }
    }

    static ServerConfig with_default_app(ServerConfig c, bool store) {
        if (c.apps.empty() && !store) {
            c.apps.push_back(development_app());
        }
        return c;
    }

    UpgradeRequest upgrade_request(const web::WebSocket& socket) const {
        return UpgradeRequest{socket.path(), query_of(socket.url()), socket.header("Origin"),
                              config.tls.has_value()};
    }

    GatePolicy gate_policy() const {
        return GatePolicy{config.path_prefix, config.strict_protocol};
    }

    void accept(const web::WebSocketPtr& socket) {
        const auto request = upgrade_request(*socket);
        const auto key = store ? upgrade_app_key(request, gate_policy()) : std::nullopt;
        if (!key) {
            admit(socket, check_upgrade(request, apps, gate_policy()), false);
            return;
        }
        // Until the store answers, the socket is open with no handlers: a Pusher client waits
        // for pusher:connection_established before it sends anything.
        store->find(
                AppLookup::ByKey, *key, socket->worker(), [this, socket](AppPtr app, bool later) {
                    admit(socket,
                          check_upgrade(upgrade_request(*socket), std::move(app), gate_policy()),
                          later);
                });
    }

    // Accepts or refuses the connection; `opened`: the socket's on_open has passed already (the
    // app store answered later), so the connection opens now, or is refused now, unless it
    // closed meanwhile.
    void admit(const web::WebSocketPtr& socket, GateVerdict verdict, bool opened) {
        if (opened && socket->ready_state() != web::ReadyState::Open) {
            return;
        }
        if (!verdict) {
            context.metrics.refused(refusal_reason(verdict.error().code));
            refuse(socket, verdict.error(), opened);
            return;
        }
        AddressLimit::Slot slot;  // held by the connection's transport while it lives
        if (config.max_connections_per_ip > 0) {
            slot = addresses.acquire(socket->remote_address());
            if (!slot) {
                context.metrics.refused(RefusalReason::AddressLimit);
                refuse(socket,
                       UpgradeRefusal{pusher::ErrorCode::OverCapacity,
                                      "Too many connections from this address (at most " +
                                              std::to_string(config.max_connections_per_ip) + ")"},
                       opened);
                return;
            }
        }
        auto app = std::move(verdict).value();
        socket->limit_queued_bytes(app->limits.max_queued_bytes);  // the app's own cap
        auto connection = std::make_shared<Connection>(
                context, std::move(app), socket->worker(),
                std::make_unique<WebSocketTransport>(*socket, std::move(slot)));
        socket->set_handler(connection);
        if (opened) {
            connection->open();
        }
    }

    // pusher-js's HTTP transports: their streaming responses (the rest is on_http's).
    void serve_fallback(web::Server& listener) {
        listener.on_response_stream(
                [this](const web::ResponseStreamPtr& stream, const http::Request& request) {
                    fallback.open_stream(stream, request);
                },
                [this](const http::Request& request) { return fallback.streams(request); });
    }

    // Lets every worker run what was posted to it before now (any thread but the workers').
    void settle_workers() {
        std::vector<std::future<void>> done;
        for (std::size_t i = 0; i < server.pool().size(); ++i) {
            auto promise = std::make_shared<std::promise<void>>();
            done.push_back(promise->get_future());
            server.pool().worker(i).post([promise] { promise->set_value(); });
        }
        for (auto& d : done) {
            d.wait_for(std::chrono::seconds(2));
        }
    }

    // The connection opens only to hear why it is refused, then closes with that code (now when
    // it is `opened` already).
    static void refuse(const web::WebSocketPtr& socket, UpgradeRefusal refusal,
                       bool opened = false) {
        auto* raw = socket.get();
        auto reject = [raw, refusal = std::move(refusal)] {
            WebSocketTransport transport(*raw);
            reject_connection(transport, refusal.code, refusal.message);
        };
        if (opened) {
            reject();
        } else {
            socket->on_open(std::move(reject));
        }
    }

    std::optional<http::Response> answer(const http::Request& request, web::Deferral& later) {
        if (fallback.handles(request)) {  // a session answers its close frame while draining
            return fallback.answer(request, later);
        }
        if (context.draining.load(std::memory_order_relaxed)) {
            return unavailable();
        }
        if (RestApi::handles(request.path())) {
            if (store) {
                return answer_from_store(request, later);
            }
            return rest.handle(request, later);
        }
        return http::text_response(404, "Not found: " + std::string(request.path()) + "\n");
    }

    // A REST request once the store has said what its app id is (the registry then has the app,
    // or not): at once when the answer is at hand, else deferred until it comes, on this worker.
    std::optional<http::Response> answer_from_store(const http::Request& request,
                                                    web::Deferral& later) {
        const auto id = RestApi::app_id_of(request.path());
        if (!id) {
            return rest.handle(request, later);
        }

        struct Waiting {
            std::optional<http::Request> request;
            std::optional<web::Responder> respond;
        };

        auto waiting = std::make_shared<Waiting>();
        bool now = false;
        std::optional<http::Response> response;
        // The references are used only when the answer is at hand, inside find(); a later
        // answer runs on this worker after this function returned and filled `waiting`.
        store->find(
                AppLookup::ById, *id, current_worker(),
                [this, waiting, &now, &response, &request, &later](AppPtr, bool answered_later) {
                    if (!answered_later) {
                        now = true;
                        response = rest.handle(request, later);
                        return;
                    }
                    ForwardedDeferral forward(*waiting->respond);
                    if (auto answer = rest.handle(*waiting->request, forward)) {
                        (*waiting->respond)(std::move(*answer));
                    }
                });
        if (now) {
            return response;
        }
        waiting->request = request;
        waiting->respond = later.defer();
        return std::nullopt;
    }

    net::Worker& current_worker() {
        auto& pool = server.pool();
        for (std::size_t i = 0; i < pool.size(); ++i) {
            if (pool.worker(i).in_worker_thread()) {
                return pool.worker(i);
            }
        }
        HERALD_CHECK(false, "a request is answered on a worker");
        return pool.worker(0);
    }

    // Why this node should get no traffic now, for GET /readyz; nothing when it should.
    std::optional<std::string> not_ready() const {
        if (leaving.load(std::memory_order_relaxed) ||
            context.draining.load(std::memory_order_relaxed)) {
            return "draining";
        }
        if (cluster && !cluster->clustered()) {
            return cluster->refusal().value_or("redis unreachable");
        }
        return std::nullopt;
    }

    [[nodiscard]] std::uint64_t open_connections() const {
        std::uint64_t total = 0;
        for (const auto& count : context.app_connections) {
            total += count.load(std::memory_order_relaxed);
        }
        return total;
    }

    // The chart sample of this tick: the node's totals now.
    void sample_stats(net::Clock::time_point now) {
        StatsTotals totals;
        totals.connections = open_connections();
        const auto traffic = context.metrics.traffic();
        totals.sent = traffic.sent;
        totals.received = traffic.received;
        totals.rest = context.metrics.rest().answered();
        if (webhooks) {
            totals.webhook_queue = webhooks->counters().queued.load(std::memory_order_relaxed);
        }
        stats.record(unix_seconds(), now, totals);
    }

    static std::int64_t unix_seconds() {
        const auto now = std::chrono::system_clock::now().time_since_epoch();
        return std::chrono::duration_cast<std::chrono::seconds>(now).count();
    }

    // GET /api/admin/node.
    std::string node_json() {
        util::JsonWriter json;
        const auto uptime = std::chrono::steady_clock::now() - started_steady;
        const auto connections = open_connections();
        const auto reason = not_ready();
        json.begin_object()
                .key("version")
                .string(HERALD_VERSION)
                .key("started_at")
                .number(started_unix)
                .key("uptime_seconds")
                .number(std::chrono::duration_cast<std::chrono::seconds>(uptime).count())
                .key("workers")
                .number(server.pool().size())
                .key("connections")
                .number(connections)
                .key("ready")
                .boolean(!reason)
                .key("not_ready_reason");
        if (reason) {
            json.string(*reason);
        } else {
            json.null();
        }
        json.key("cluster");
        if (cluster) {
            json.begin_object()
                    .key("node")
                    .string(cluster->node_id())
                    .key("clustered")
                    .boolean(cluster->clustered())
                    .key("nodes")
                    .begin_array();
            for (const auto& node : cluster->node_statuses()) {
                json.begin_object()
                        .key("id")
                        .string(node.id)
                        .key("connections")
                        .number(node.connections)
                        .key("lease_age_seconds")
                        .number(static_cast<double>(node.lease_age.count()) / 1000.0)
                        .key("self")
                        .boolean(node.self)
                        .end_object();
            }
            json.end_array().end_object();
        } else {
            json.null();
        }
        json.end_object();
        return json.take();
    }

    // Without a token the dashboard shows apps, events and a trigger form to anyone who reaches
    // the listener: only a loopback address keeps that to this machine.
    void check_admin_exposure() const {
        if (config.admin.dashboard && !config.admin.token && !is_loopback_host(config.admin.host)) {
            throw std::runtime_error(
                    "admin.host " + config.admin.host +
                    " is not a loopback address, and the dashboard there would be open to "
                    "anyone: set admin.token (--admin-token, HERALD_ADMIN_TOKEN), or bind "
                    "admin.host to 127.0.0.1, or turn the dashboard off (--no-admin-dashboard)");
        }
    }

    std::optional<http::Response> answer_admin(const http::Request& request, web::Deferral& later) {
        if (admin_api && AdminApi::handles(request.path())) {
            return admin_api->answer(request, later);
        }
        return admin.answer(request);
    }

    void make_admin_api() {
        AdminApiParts parts{
                apps,
                hub,
                [this](std::size_t app, const std::string& channel) {
                    return hub.presence_roster(app, channel);
                },
                rest,
                context.feed,
                stats,
                context.app_connections,
                [this] { return node_json(); },
                [this](std::function<void()> job) { return queries.post(std::move(job)); },
                dashboard_page};
        admin_api = std::make_unique<AdminApi>(std::move(parts), config.admin.token);
    }

    // The admin listener on the workers of the main one: plain HTTP, no WebSocket.
    void start_admin() {
        if (!config.admin.port) {
            return;
        }
        if (webhooks) {
            context.metrics.add(webhook_metrics(webhooks->counters()));
        }
        if (cluster) {
            context.metrics.add(cluster_metrics(*cluster));
        }
        if (store_source) {
            // store_source is a member before context: it outlives the exposition.
            context.metrics.add(app_store_metrics(store_source->counters()));
        }
        web::ServerOptions options;
        options.host = config.admin.host;
        options.port = *config.admin.port;
        options.handshake_timeout = kAdminRequestTimeout;
        options.http_limits.max_header_bytes = kAdminMaxHeaderBytes;
        options.http_limits.max_body_bytes = kAdminMaxBodyBytes;
        if (config.admin.dashboard) {
            options.http_limits.max_body_bytes = kDashboardMaxBodyBytes;
            options.max_queued_bytes = kConsoleMaxQueuedBytes;
            make_admin_api();
        }
        admin_server = std::make_unique<web::Server>(std::move(options), server.pool());
        admin_server->on_http([this](const http::Request& r, web::Deferral& later) {
            return answer_admin(r, later);
        });
        if (admin_api) {
            admin_server->on_event_stream(
                    [this](const web::EventStreamPtr& stream) { admin_api->open_stream(stream); },
                    [this](const http::Request& r) { return admin_api->admit_stream(r); });
        }
        admin_server->start();
    }

    ReloadReport reload(const ServerConfig& next_config) {
        ReloadReport report;
        auto next = with_default_app(next_config, store != nullptr);
        if (store) {
            report.needs_restart = settings_needing_restart(config, next);
            report.notes.emplace_back("apps come from the app store: they follow its rows");
            context.metrics.reloaded(true);
            return report;
        }
        auto replaced = apps.replace(next.apps);
        if (!replaced) {
            report.error = std::move(replaced).error();
            context.metrics.reloaded(false);
            return report;
        }
        report.apps = std::move(replaced).value();
        const auto ids = [this](const std::vector<std::size_t>& slots) {
            std::vector<std::string> out;
            for (const auto slot : slots) {
                out.push_back(apps.id_of(slot));
            }
            return out;
        };
        report.added = ids(report.apps.added);
        report.changed = ids(report.apps.changed);
        report.removed = ids(report.apps.removed);
        report.needs_restart = settings_needing_restart(config, next);
        if (!webhooks && any_webhooks(next.apps)) {
            report.notes.emplace_back(
                    "webhooks need a restart: the server started without any webhook target");
        }
        if (webhooks) {
            webhooks->replace_apps(apps);
        }
        follow_apps();
        context.metrics.reloaded(true);
        return report;
    }

    // An app of the store was added, changed or removed (on whichever thread settled it).
    void follow_store() {
        if (webhooks) {
            webhooks->replace_apps(apps);
        }
        follow_apps();
    }

    // Every connection follows its app's new settings; those of a removed or disabled app are
    // closed with 4003 (pusher-js does not reconnect on it).
    void follow_apps() {
        std::vector<AppPtr> by_slot(apps.capacity());
        for (std::size_t slot = 0; slot < by_slot.size(); ++slot) {
            by_slot[slot] = apps.at(slot);
        }
        auto shared = std::make_shared<const std::vector<AppPtr>>(std::move(by_slot));
        for (std::size_t i = 0; i < server.pool().size(); ++i) {
            server.pool().worker(i).post([this, i, shared] {
                context.workers[i]->connections.for_each([&shared](Connection& c) {
                    const auto& now = (*shared)[c.app_index()];
                    if (!now) {
                        c.close(pusher::ErrorCode::ApplicationDisabled, "Application removed");
                    } else if (!now->enabled) {
                        c.close(pusher::ErrorCode::ApplicationDisabled, "Application disabled");
                    } else if (now != c.app()) {
                        c.update_app(now);
                    }
                });
            });
        }
    }

    void drain() {
        context.draining.store(true, std::memory_order_relaxed);
        for (std::size_t i = 0; i < server.pool().size(); ++i) {
            server.pool().worker(i).post([this, i] {
                context.workers[i]->connections.for_each([](Connection& c) {
                    c.close(pusher::ErrorCode::ReconnectImmediately,
                            "Server is shutting down, reconnect");
                });
            });
        }
    }

    ServerConfig config;
    std::shared_ptr<AppSource> store_source;                // null: the apps of the configuration
    AddressLimit addresses{config.max_connections_per_ip};  // outlives the server's connections
    AppRegistry apps;
    std::unique_ptr<WebhookEvents> webhooks;  // outlives the workers that report to it
    std::unique_ptr<StoreApps> store;         // with store_source
    NodeTicker ticker;   // destroyed after the server's workers, whose tick list links it
    StatsHistory stats;  // the dashboard's charts
    std::chrono::steady_clock::time_point started_steady = std::chrono::steady_clock::now();
    std::int64_t started_unix = unix_seconds();
    web::Server server;
    Hub hub;
    QueryThread queries;  // stopped before the workers: its jobs answer connections on them
    ServerContext context;
    RestApi rest;
    FallbackSessions fallback{context, addresses, server.pool()};
    std::atomic<bool> leaving{false};  // begin_drain(): unready, still serving
    ClusterNode cluster_node{hub};
    std::unique_ptr<cluster::RedisAdapter> cluster;  // stops before the hub goes
    std::unique_ptr<web::Server> api_server;
    AdminRoutes admin{context.metrics.exposition(), [this] {
                          return not_ready();
                      }};
    std::unique_ptr<AdminApi> admin_api;
    std::unique_ptr<web::Server> admin_server;
    bool started = false;
    bool stopped = false;
};

PusherServer::PusherServer(ServerConfig config, std::shared_ptr<AppSource> store)
    : impl_(std::make_unique<Impl>(std::move(config), std::move(store))) {}

PusherServer::~PusherServer() {
    stop();
}

void PusherServer::start() {
    auto& impl = *impl_;
    if (impl.config.admin.port) {
        impl.check_admin_exposure();  // before anything listens
    }
    impl.cluster = redis_cluster(
            impl.config, [&impl] { return impl.open_connections(); },
            [&impl](std::string_view node, bool joined) {
                if (impl.context.feed.watching_any()) {
                    impl.context.feed.publish_to_all(
                            ConsoleEvent(joined ? "node_joined" : "node_gone")
                                    .text("node", node)
                                    .finish());
                }
            });
    if (impl.cluster) {
        // Occupancy and membership become cluster-wide decisions, reported once, by one node.
        impl.cluster_node.set_events(impl.hub.events());
        impl.hub.leave_occupancy_events_to_cluster();
        impl.cluster->start(impl.cluster_node);  // checks the apps against the other nodes'
        impl.hub.attach(*impl.cluster);
    }
    if (impl.webhooks) {
        impl.webhooks->start();
    }
    impl.server.on_websocket([&impl](const web::WebSocketPtr& s) { impl.accept(s); });
    impl.serve_fallback(impl.server);
    if (impl.config.api_listen) {
        auto options = websocket_options(impl.config, *impl.config.api_listen);
        impl.api_server = std::make_unique<web::Server>(std::move(options), impl.server.pool());
        impl.api_server->on_http([&impl](const http::Request& r, web::Deferral& later) {
            return impl.answer(r, later);
        });
        impl.serve_fallback(*impl.api_server);
        impl.server.on_http([&impl](const http::Request& r,
                                    web::Deferral& later) -> std::optional<http::Response> {
            if (impl.fallback.handles(r)) {
                return impl.fallback.answer(r, later);
            }
            return http::text_response(404, "Not found: " + std::string(r.path()) +
                                                    " (the REST API has its own listener)\n");
        });
    } else {
        impl.server.on_http([&impl](const http::Request& r, web::Deferral& later) {
            return impl.answer(r, later);
        });
    }
    impl.server.start();
    impl.ticker.hub = &impl.hub;
    impl.ticker.sample = [&impl](net::Clock::time_point now) {
        impl.sample_stats(now);
    };
    auto& first = impl.server.pool().worker(0);
    first.post([&impl, &first] { first.add_tickable(impl.ticker); });
    if (impl.api_server) {
        impl.api_server->start();
    }
    impl.start_admin();
    impl.started = true;
}

void PusherServer::begin_drain() noexcept {
    impl_->leaving.store(true, std::memory_order_relaxed);
}

void PusherServer::stop(std::chrono::milliseconds grace) {
    auto& impl = *impl_;
    if (impl.stopped || !impl.started) {
        impl.stopped = true;
        return;
    }
    impl.stopped = true;
    if (impl.store) {
        impl.store->close();  // no answer of the app store is posted to the workers any more
    }
    impl.drain();
    // HTTP sessions hand their close frames to their receive requests (on any worker) before
    // the listeners close those, then end.
    impl.settle_workers();
    impl.fallback.end_all(std::min(grace, std::chrono::milliseconds(1000)));
    impl.settle_workers();
    impl.queries.stop();  // what waits is answered 503 while the workers still run
    if (impl.api_server) {
        impl.api_server->stop(grace);
    }
    impl.server.stop(grace);
    // Last: /readyz answers 503 while the public listeners close. The pool is stopped by now,
    // which web::Server::stop (and its listener) handle.
    if (impl.admin_server) {
        impl.admin_server->stop(grace);
    }
    if (impl.cluster) {
        impl.cluster->stop();  // withdraws this node's members and counts at once
    }
    if (impl.webhooks) {
        impl.webhooks
                ->stop();  // after the workers and the cluster: their departures are webhooks too
    }
}

std::uint16_t PusherServer::port() const noexcept {
    return impl_->server.port();
}

std::optional<std::uint16_t> PusherServer::api_port() const noexcept {
    if (!impl_->api_server) {
        return std::nullopt;
    }
    return impl_->api_server->port();
}

std::optional<std::uint16_t> PusherServer::admin_port() const noexcept {
    if (!impl_->admin_server) {
        return std::nullopt;
    }
    return impl_->admin_server->port();
}

ReloadReport PusherServer::reload(const ServerConfig& next) {
    return impl_->reload(next);
}

void PusherServer::reload_failed() noexcept {
    impl_->context.metrics.reloaded(false);
}

const ServerConfig& PusherServer::config() const noexcept {
    return impl_->config;
}

}  // namespace herald::server
