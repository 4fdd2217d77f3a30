// herald/web/echo_fixture.h
//
// A test fixture: a ws::Server on 127.0.0.1, port 0, whose WebSockets echo every message with its
// type and record their events, and a ws::Client to talk to it. Test code only.
// Owner: the test thread.
#pragma once

#include <deque>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "herald/web/client.h"
#include "herald/web/io_testing.h"
#include "herald/web/server.h"

namespace herald::web::testing {

inline ServerOptions quick_server_options() {
    ServerOptions options;
    options.threads = 1;
    options.tick_interval = 20ms;
    options.ping_interval = 0ms;
    options.handshake_timeout = 2000ms;
    options.close_timeout = 1000ms;
    return options;
}

class EchoFixture : public ::testing::Test {
protected:
    void TearDown() override {
        client_.reset();
        if (server_) {
            server_->stop(200ms);
        }
    }

    // Starts the server; its sockets echo and record into server_events_.
    void start_server(ServerOptions options = quick_server_options()) {
        server_ = std::make_unique<Server>(std::move(options));
        server_->on_websocket([this](const WebSocketPtr& socket) {
            {
                std::lock_guard lock(mutex_);
                server_sockets_.push_back(socket);
            }
            record(*socket, server_events_);
            WebSocket* raw = socket.get();
            socket->on_message([this, raw](const Message& m) {
                server_events_.push({m.binary ? "binary" : "text", std::string(m.data), 0});
                if (m.binary) {
                    raw->send_binary(m.data);
                } else {
                    raw->send(m.data);
                }
            });
        });
        server_->start();
    }

    std::string url(std::string_view path = "/echo") const {
        return "ws://127.0.0.1:" + std::to_string(server_->port()) + std::string(path);
    }

    // A recorder that lives as long as the fixture (events may arrive until TearDown).
    Recorder& new_recorder() { return recorders_.emplace_back(); }

    // Connects through the fixture's client (made with `options` on first use); events go to
    // `recorder`.
    WebSocketPtr connect(Recorder& recorder, const ClientOptions& options = {}) {
        if (!client_) {
            client_ = std::make_unique<Client>(options);
        }
        return client_->connect(url(), [&recorder](WebSocket& s) { record(s, recorder); });
    }

    // Runs fn(WebSocket&) on the socket's worker and waits for it.
    template <class Fn>
    static void on_worker(const WebSocketPtr& socket, Fn fn) {
        std::promise<void> done;
        socket->post([&](WebSocket& s) {
            fn(s);
            done.set_value();
        });
        done.get_future().wait();
    }

    WebSocketPtr server_socket(std::size_t index = 0) {
        std::lock_guard lock(mutex_);
        return index < server_sockets_.size() ? server_sockets_[index] : nullptr;
    }

    Recorder server_events_;
    std::deque<Recorder> recorders_;
    std::unique_ptr<Server> server_;
    std::unique_ptr<Client> client_;
    std::mutex mutex_;
    std::vector<WebSocketPtr> server_sockets_;
};

}  // namespace herald::web::testing
