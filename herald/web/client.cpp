// herald/web/client.cpp
#include "herald/web/client.h"

#include <future>
#include <stdexcept>
#include <utility>

#include "herald/net/connect.h"
#include "herald/web/client_phase.h"

namespace herald::web {
namespace {

std::unique_ptr<WebSocket::ClientPhase> make_phase(const ws::WsUrl& url,
                                                   const ClientOptions& options,
                                                   net::TlsContextPtr tls) {
    auto phase = std::make_unique<WebSocket::ClientPhase>();
    phase->url = url;
    phase->handshake.host = url.host_field;
    phase->handshake.target = url.target;
    phase->handshake.origin = options.origin;
    phase->handshake.subprotocols = options.subprotocols;
    phase->handshake.deflate = options.deflate;
    phase->handshake.extra_fields = options.headers;
    phase->peer.role = ws::Role::Client;
    phase->peer.max_message_bytes = options.max_message_bytes;
    phase->peer.deflate_level = options.deflate.level;
    phase->peer.deflate_min_bytes = options.deflate.min_message_bytes;
    phase->tls = std::move(tls);
    phase->connect_timeout = options.connect_timeout;
    phase->handshake_timeout = options.handshake_timeout;
    phase->limits = options.http_limits;
    return phase;
}

ws::WsUrl parse_or_throw(std::string_view url) {
    auto parsed = ws::parse_ws_url(url);
    if (!parsed) {
        throw std::invalid_argument("not a ws:// or wss:// URL: " + std::string(url));
    }
    return *parsed;
}

}  // namespace

WebSocket::WebSocket(net::Worker& worker, std::string url,
                     std::shared_ptr<const SessionOptions> options,
                     std::unique_ptr<ClientPhase> phase)
    : Session(worker, nullptr),
      options_(std::move(options)),
      pre_open_(std::make_unique<util::ByteQueue>()),
      client_(std::move(phase)),
      head_(url) {}

void WebSocket::start_client() {
    state_since_ = net::Worker::now();
    watch_ticks();
    net::ConnectOptions connect;
    connect.host = client_->url.host;
    connect.port = client_->url.port;
    connect.timeout = client_->connect_timeout;
    connect.tls = client_->tls;
    net::async_connect(worker(), std::move(connect),
                       [self = shared()](const std::error_code& error, net::StreamPtr stream) {
                           self->connected(error, std::move(stream));
                       });
}

void WebSocket::connected(const std::error_code& error, net::StreamPtr stream) {
    if (state_ != ReadyState::Connecting) {
        if (stream) {
            stream->close();  // abandoned meanwhile
        }
        return;
    }
    if (error) {
        const auto& url = client_->url;
        const bool v6 = url.host.find(':') != std::string::npos;
        const std::string host = v6 ? "[" + url.host + "]" : url.host;
        fail_connecting("cannot connect to " + host + ":" + std::to_string(url.port) + ": " +
                        error.message());
        return;
    }
    attach_stream(std::move(stream));
    state_since_ = net::Worker::now();  // the handshake timeout starts now
    auto request = ws::make_client_request(client_->handshake);
    client_->key = std::move(request.key);
    client_->parser = std::make_unique<http::ResponseParser>(client_->limits);
    pre_open_->push(util::make_shared_bytes(http::serialize(request.request)));
    request_flush();
    start_reading();
}

void WebSocket::handshake_bytes(std::span<char> data) {
    const auto step = client_->parser->feed(std::string_view(data.data(), data.size()));
    if (step.status == http::ParseStatus::Error) {
        fail_connecting("invalid handshake response: " + step.error);
        return;
    }
    if (step.status == http::ParseStatus::NeedMore) {
        return;
    }
    const auto& response = client_->parser->response();
    const auto result = ws::verify_server_response(response, client_->key, client_->handshake);
    if (!result) {
        fail_connecting("handshake refused (HTTP " + std::to_string(response.status) +
                        "): " + result.error());
        return;
    }
    if (!result->protocol.empty()) {
        protocol_ = std::make_unique<const std::string>(result->protocol);
    }
    ws::PeerOptions peer = client_->peer;
    peer.deflate = result->deflate;
    peer_.emplace(peer);
    client_.reset();
    open(data.subspan(step.used_bytes));
}

void WebSocket::fail_connecting(std::string_view message, bool report) {
    if (state_ != ReadyState::Connecting) {
        return;
    }
    client_->error = std::string(message);
    if (report) {
        report_error(message);
    }
    if (has_stream()) {
        close_now();
    } else {
        on_closed({});
    }
}

WebSocketPtr connect(net::Worker& worker, std::string_view url, const ClientOptions& options,
                     net::TlsContextPtr tls) {
    const ws::WsUrl parsed = parse_or_throw(url);
    if (parsed.secure && !tls) {
        tls = net::make_client_tls_context(options.tls);
    }
    auto socket = std::make_shared<WebSocket>(
            worker, std::string(url), std::make_shared<const SessionOptions>(options.session),
            make_phase(parsed, options, parsed.secure ? std::move(tls) : nullptr));
    socket->start_client();
    return socket;
}

Client::Client(ClientOptions options) : options_(std::move(options)) {
    worker_.start();
}

Client::~Client() {
    worker_.stop();
}

WebSocketPtr Client::connect(std::string_view url, const std::function<void(WebSocket&)>& setup) {
    const ws::WsUrl parsed = parse_or_throw(url);
    if (parsed.secure) {
        std::call_once(tls_once_, [this] { tls_ = net::make_client_tls_context(options_.tls); });
    }
    std::packaged_task<WebSocketPtr()> task([&] {
        auto socket = web::connect(worker_, url, options_, tls_);
        if (setup) {
            setup(*socket);
        }
        return socket;
    });
    auto result = task.get_future();
    worker_.post([&task] { task(); });
    return result.get();
}

}  // namespace herald::web
