// herald/web/server.cpp
#include "herald/web/server.h"

#include <thread>
#include <utility>

#include "herald/net/tcp_stream.h"
#include "herald/net/tls_stream.h"
#include "herald/web/request_session.h"
#include "herald/web/server_core.h"

namespace herald::web {
namespace {

std::shared_ptr<ServerCore> make_core(ServerOptions options) {
    auto core = std::make_shared<ServerCore>();
    core->handshake.subprotocols = options.subprotocols;
    core->handshake.deflate = options.deflate;
    SessionOptions session;
    session.max_queued_bytes = options.max_queued_bytes;
    session.overflow_close_code = options.overflow_close_code;
    session.idle_timeout = options.idle_timeout;
    session.ping_interval = options.ping_interval;
    session.pong_timeout = options.pong_timeout;
    session.close_timeout = options.close_timeout;
    core->session = std::make_shared<const SessionOptions>(session);
    core->event_stream.keepalive = options.event_stream_keepalive;
    core->event_stream.max_queued_bytes = options.max_queued_bytes;
    core->response_stream.max_queued_bytes = options.max_queued_bytes;
    core->options = std::move(options);
    return core;
}

net::WorkerOptions worker_options(const ServerOptions& options) {
    net::WorkerOptions out;
    out.tick_interval = options.tick_interval;
    return out;
}

}  // namespace

Server::Server(ServerOptions options)
    : own_pool_(std::make_unique<net::WorkerPool>(options.threads, worker_options(options))),
      pool_(own_pool_.get()),
      core_(make_core(std::move(options))) {}

Server::Server(ServerOptions options, net::WorkerPool& pool)
    : pool_(&pool), core_(make_core(std::move(options))) {}

Server::~Server() {
    stop();
}

void Server::on_websocket(WebSocketHandler handler) {
    core_->on_websocket = std::move(handler);
}

void Server::on_response_stream(ResponseStreamHandler handler, ResponseStreamSelector selects) {
    core_->on_response_stream = std::move(handler);
    core_->response_stream_selector = std::move(selects);
}

void Server::on_event_stream(EventStreamHandler handler, EventStreamGate gate) {
    core_->on_event_stream = std::move(handler);
    core_->event_stream_gate = std::move(gate);
}

void Server::on_http(HttpHandler handler) {
    core_->on_http = std::move(handler);
}

void Server::on_http(ImmediateHttpHandler handler) {
    core_->on_http = [handler = std::move(handler)](const http::Request& request,
                                                    Deferral& /*later*/) {
        return std::optional<http::Response>(handler(request));
    };
}

void Server::start() {
    if (started_) {
        return;
    }
    const auto& options = core_->options;
    if (options.tls) {
        core_->tls = net::make_server_tls_context(*options.tls);
    }
    for (std::size_t i = 0; i < pool_->size(); ++i) {
        core_->registries.push_back(std::make_shared<Connections>(pool_->worker(i)));
    }
    net::ListenOptions listen;
    listen.host = options.host;
    listen.port = options.port;
    listen.backlog = options.backlog;
    listener_ = std::make_unique<net::Listener>(
            *pool_, listen,
            [this](net::Worker& worker, net::Socket socket) { accept(worker, std::move(socket)); });
    started_ = true;
    if (own_pool_) {
        own_pool_->start();
    }
    listener_->start();
}

void Server::accept(net::Worker& worker, net::Socket socket) {
    net::StreamPtr stream;
    if (core_->tls) {
        stream = std::make_shared<net::TlsStream>(worker, std::move(socket), core_->tls);
    } else {
        stream = std::make_shared<net::TcpStream>(worker, std::move(socket));
    }
    std::make_shared<RequestSession>(worker, std::move(stream), core_)->start();
}

void Server::stop(std::chrono::milliseconds grace) {
    if (!started_ || stopped_) {
        return;
    }
    stopped_ = true;
    listener_->stop();
    post_each_worker([](Connections& connections) {
        connections.for_each([](WebSocket& socket) { socket.close(1001, "server shutting down"); });
        connections.for_each_event_stream([](EventStream& stream) { stream.close(); });
        connections.for_each_response_stream([](ResponseStream& stream) { stream.close(); });
    });
    const auto deadline = std::chrono::steady_clock::now() + grace;
    while (websocket_count() + event_stream_count() + response_stream_count() > 0 &&
           std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    if (own_pool_) {
        own_pool_->stop();  // what is left (slow closers, first requests) is aborted
    }
}

std::uint16_t Server::port() const noexcept {
    return listener_ ? listener_->port() : 0;
}

void Server::post_each_worker(std::function<void(Connections&)> fn) {
    auto shared_fn = std::make_shared<const std::function<void(Connections&)>>(std::move(fn));
    for (const auto& registry : core_->registries) {
        registry->worker().post([registry, shared_fn] { (*shared_fn)(*registry); });
    }
}

void Server::post_broadcast(ws::BroadcastPtr message) {
    post_each_worker([message = std::move(message)](Connections& connections) {
        connections.for_each([&](WebSocket& socket) { socket.send(*message); });
    });
}

std::size_t Server::websocket_count() const noexcept {
    std::size_t total = 0;
    for (const auto& registry : core_->registries) {
        total += registry->size_snapshot();
    }
    return total;
}

std::size_t Server::event_stream_count() const noexcept {
    std::size_t total = 0;
    for (const auto& registry : core_->registries) {
        total += registry->event_stream_snapshot();
    }
    return total;
}

std::size_t Server::response_stream_count() const noexcept {
    std::size_t total = 0;
    for (const auto& registry : core_->registries) {
        total += registry->response_stream_snapshot();
    }
    return total;
}

}  // namespace herald::web
