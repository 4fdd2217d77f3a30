// examples/echo_client.cpp
//
//   echo_client URL [--message TEXT]... [--binary-size N] [--deflate] [--protocol P]...
//               [--ca FILE | --insecure] [--timeout SECONDS]
//
// Connects to URL (ws:// or wss://), sends each --message as a text message in order, then with
// --binary-size one binary message of N bytes (byte i is i mod 256), and prints every message
// received on stdout, one line each: "text <payload>" or "binary <size> <sha1 hex>". After as
// many messages as it sent it closes with 1000 and prints "closed <code> <reason>" (the close the
// server answered with). Exit status: 0 when every echo arrived and the close handshake finished;
// 1 when the connection or the handshake failed (reason on stderr); 2 for a bad command line;
// 3 when the connection closed before every echo arrived; 4 on timeout.
#include <chrono>
#include <cstdint>
#include <future>
#include <iostream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "herald/util/digest.h"
#include "herald/web/client.h"

namespace {

using namespace herald;

constexpr int kExitFailed = 1;
constexpr int kExitUsage = 2;
constexpr int kExitClosedEarly = 3;
constexpr int kExitTimeout = 4;

struct Flags {
    std::string url;
    std::vector<std::string> messages;
    std::optional<std::size_t> binary_size;
    bool deflate = false;
    std::vector<std::string> protocols;
    std::string ca_file;
    bool insecure = false;
    double timeout_seconds = 15;
};

Flags parse_flags(int argc, char** argv) {
    Flags flags;
    CLI::App app{"herald echo client: send messages, print the echoes, close with 1000"};
    app.add_option("url", flags.url, "ws:// or wss:// URL")->required();
    app.add_option("--message", flags.messages, "a text message to send (repeatable)")
            ->allow_extra_args(false);
    app.add_option("--binary-size", flags.binary_size, "send one binary message of N bytes");
    app.add_flag("--deflate", flags.deflate, "offer permessage-deflate");
    app.add_option("--protocol", flags.protocols, "a subprotocol to offer (repeatable)")
            ->allow_extra_args(false);
    auto* ca = app.add_option("--ca", flags.ca_file, "trust this PEM CA file for wss");
    auto* insecure = app.add_flag("--insecure", flags.insecure, "do not verify the server (wss)");
    ca->excludes(insecure);
    app.add_option("--timeout", flags.timeout_seconds, "give up after this many seconds")
            ->capture_default_str();
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        std::exit(e.get_exit_code() == 0 ? 0 : (app.exit(e), kExitUsage));
    }
    return flags;
}

web::ClientOptions client_options(const Flags& flags) {
    web::ClientOptions options;
    options.deflate.enabled = flags.deflate;
    options.subprotocols = flags.protocols;
    options.tls.ca_file = flags.ca_file;
    options.tls.verify = !flags.insecure;
    options.max_message_bytes = 64 * 1024 * 1024;
    return options;
}

std::string pattern(std::size_t size) {
    std::string out(size, '\0');
    for (std::size_t i = 0; i < size; ++i) {
        out[i] = static_cast<char>(i & 0xFFU);
    }
    return out;
}

// Runs on the client's worker thread; `done` receives the exit status once.
class Session {
public:
    Session(const Flags& flags, std::promise<int>& done) : flags_(flags), done_(done) {}

    void attach(web::WebSocket& socket) {
        socket.on_open([this, &socket] { send_all(socket); });
        socket.on_message([this, &socket](const web::Message& m) { received(socket, m); });
        socket.on_error([this](std::string_view error) { error_ = std::string(error); });
        socket.on_close(
                [this](std::uint16_t code, std::string_view reason) { closed(code, reason); });
    }

private:
    void send_all(web::WebSocket& socket) {
        opened_ = true;
        for (const auto& message : flags_.messages) {
            socket.send(message);
        }
        if (flags_.binary_size) {
            socket.send_binary(pattern(*flags_.binary_size));
        }
        expected_ = flags_.messages.size() + (flags_.binary_size ? 1 : 0);
        close_if_done(socket);
    }

    void received(web::WebSocket& socket, const web::Message& message) {
        if (message.binary) {
            std::cout << "binary " << message.data.size() << " "
                      << util::to_hex(util::sha1(message.data)) << "\n";
        } else {
            std::cout << "text " << message.data << "\n";
        }
        ++received_;
        close_if_done(socket);
    }

    void close_if_done(web::WebSocket& socket) {
        if (received_ >= expected_) {
            socket.close(1000);
        }
    }

    void closed(std::uint16_t code, std::string_view reason) {
        if (!opened_) {
            std::cerr << "echo_client: " << (error_.empty() ? std::string(reason) : error_) << "\n";
            done_.set_value(kExitFailed);
            return;
        }
        std::cout << "closed " << code << " " << reason << std::endl;
        const bool complete = received_ >= expected_ && code == 1000;
        if (!complete && !error_.empty()) {
            std::cerr << "echo_client: " << error_ << "\n";
        }
        done_.set_value(complete ? 0 : kExitClosedEarly);
    }

    const Flags& flags_;
    std::promise<int>& done_;
    std::string error_;
    std::size_t expected_ = 0;
    std::size_t received_ = 0;
    bool opened_ = false;
};

}  // namespace

int main(int argc, char** argv) {
    const Flags flags = parse_flags(argc, argv);
    spdlog::set_default_logger(spdlog::stderr_color_mt("echo_client"));
    std::promise<int> done;
    auto result = done.get_future();
    Session session(flags, done);
    try {
        web::Client client(client_options(flags));
        client.connect(flags.url, [&session](web::WebSocket& socket) { session.attach(socket); });
        const auto limit = std::chrono::duration<double>(flags.timeout_seconds);
        if (result.wait_for(limit) != std::future_status::ready) {
            std::cout.flush();
            std::cerr << "echo_client: no answer within " << flags.timeout_seconds << " s\n";
            std::_Exit(kExitTimeout);
        }
        return result.get();
    } catch (const std::exception& e) {
        std::cerr << "echo_client: " << e.what() << "\n";
        return kExitFailed;
    }
}
