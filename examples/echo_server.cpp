// examples/echo_server.cpp
//
// An echo server on herald::ws: every WebSocket message comes back with its type (text as text,
// binary as binary), GET / serves a test page (examples/echo_page.html, embedded at build time),
// and GET /events is a Server-Sent Events stream counting once a second that resumes after the
// Last-Event-ID it is given. Once listening it prints exactly one line on stdout,
// "listening on HOST:PORT", so scripts can start it with --port 0. SIGINT or SIGTERM stop it
// cleanly (exit status 0). Logs go to stderr.
#include <charconv>
#include <chrono>
#include <cstdint>
#include <exception>
#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include "echo_page.h"
#include <CLI/CLI.hpp>
#include <boost/asio/steady_timer.hpp>
#include <signal.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "herald/web/server.h"

namespace {

using namespace herald;

struct Flags {
    std::string host = "127.0.0.1";
    std::uint16_t port = 6001;
    std::size_t threads = 1;
    std::string tls_cert;
    std::string tls_key;
    bool deflate = false;
    bool no_context_takeover = false;
    std::size_t max_message_bytes = 16 * 1024 * 1024;
};

// Exits (with CLI11's usage message) when the command line is wrong.
Flags parse_flags(int argc, char** argv) {
    Flags flags;
    CLI::App app{"herald echo server: WebSocket echo, a test page at / and SSE at /events"};
    app.add_option("--host", flags.host, "address to listen on")->capture_default_str();
    app.add_option("--port", flags.port, "port to listen on (0: any free port)")
            ->capture_default_str();
    app.add_option("--threads", flags.threads, "worker threads (0: one per CPU)")
            ->capture_default_str();
    auto* cert = app.add_option("--tls-cert", flags.tls_cert, "PEM certificate chain: serve TLS");
    auto* key = app.add_option("--tls-key", flags.tls_key, "PEM private key for --tls-cert");
    cert->needs(key);
    key->needs(cert);
    app.add_flag("--deflate", flags.deflate,
                 "accept permessage-deflate (with context takeover unless the client declines it)");
    app.add_flag("--no-context-takeover", flags.no_context_takeover,
                 "with --deflate: compress every message alone (less memory per connection)");
    app.add_option("--max-message-bytes", flags.max_message_bytes, "largest message accepted")
            ->capture_default_str();
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        std::exit(app.exit(e));
    }
    return flags;
}

web::ServerOptions server_options(const Flags& flags) {
    web::ServerOptions options;
    options.host = flags.host;
    options.port = flags.port;
    options.threads = flags.threads;
    options.deflate.enabled = flags.deflate;
    // An echo server favours compression; a server with many idle connections would keep the
    // defaults (no context takeover: no zlib state per connection).
    options.deflate.server_no_context_takeover = flags.no_context_takeover;
    options.deflate.client_no_context_takeover = flags.no_context_takeover;
    options.max_message_bytes = flags.max_message_bytes;
    if (!flags.tls_cert.empty()) {
        options.tls = net::TlsServerOptions{flags.tls_cert, flags.tls_key};
    }
    return options;
}

http::Response serve_page(const http::Request& request) {
    if (request.method != "GET" || (request.path() != "/" && request.path() != "/index.html")) {
        return http::text_response(404, "not found: try / or /events\n");
    }
    http::Response response;
    response.fields.add("Content-Type", "text/html; charset=utf-8");
    response.fields.add("Cache-Control", "no-cache");
    response.body = std::string(echo_page());
    return response;
}

void echo(const web::WebSocketPtr& socket) {
    web::WebSocket* self = socket.get();  // the handlers belong to the socket: no cycle
    socket->on_message([self](const web::Message& message) {
        if (message.binary) {
            self->send_binary(message.data);
        } else {
            self->send(message.data);
        }
    });
    socket->on_error([self](std::string_view error) {
        spdlog::info("{}: {}", self->remote_address(), error);
    });
}

// The number after `last_event_id`, or 1 when it is absent or not a number.
std::uint64_t first_count(std::string_view last_event_id) {
    std::uint64_t value = 0;
    const auto* end = last_event_id.data() + last_event_id.size();
    const auto [ptr, error] = std::from_chars(last_event_id.data(), end, value);
    return error == std::errc{} && ptr == end && !last_event_id.empty() ? value + 1 : 1;
}

using Timer = boost::asio::steady_timer;

void count(const web::EventStreamPtr& stream, const std::shared_ptr<Timer>& timer,
           std::uint64_t n) {
    const std::string text = std::to_string(n);
    if (!stream->send(text, "counter", text)) {
        return;
    }
    timer->expires_after(std::chrono::seconds(1));
    timer->async_wait([stream, timer, n](const boost::system::error_code& error) {
        if (!error) {
            count(stream, timer, n + 1);
        }
    });
}

void serve_events(const web::EventStreamPtr& stream) {
    if (stream->path() != "/events") {
        stream->close();
        return;
    }
    auto timer = std::make_shared<Timer>(stream->worker().io_context());
    stream->on_close([timer] { timer->cancel(); });
    count(stream, timer, first_count(stream->last_event_id()));
}

// Blocks SIGINT and SIGTERM in every thread (workers inherit the mask), so that only
// wait_for_signal() sees them.
sigset_t block_stop_signals() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
    return set;
}

int wait_for_signal(const sigset_t& set) {
    int signal_number = 0;
    sigwait(&set, &signal_number);
    return signal_number;
}

std::string printable_host(const std::string& host) {
    return host.find(':') != std::string::npos ? "[" + host + "]" : host;
}

}  // namespace

int main(int argc, char** argv) {
    const Flags flags = parse_flags(argc, argv);
    spdlog::set_default_logger(spdlog::stderr_color_mt("echo_server"));
    const sigset_t stop_signals = block_stop_signals();
    try {
        web::Server server(server_options(flags));
        server.on_websocket(echo);
        server.on_event_stream(serve_events);
        server.on_http(serve_page);
        server.start();
        std::cout << "listening on " << printable_host(flags.host) << ":" << server.port()
                  << std::endl;
        const int signal_number = wait_for_signal(stop_signals);
        spdlog::info("signal {}: stopping", signal_number);
        server.stop();
    } catch (const std::exception& e) {
        std::cerr << "echo_server: " << e.what() << "\n";
        return 1;
    }
    return 0;
}
