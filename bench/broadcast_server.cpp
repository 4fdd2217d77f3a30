// bench/broadcast_server.cpp
//
// Herald's side of the fan-out benchmark: the real web::Server on one worker. Once --connections
// WebSockets are open, a task on the worker runs the same rounds as the ceiling program: it
// checks that no connection has more than --max-unsent-bytes buffered, then queues the one
// ws::Broadcast (framed once) --burst times on every connection, and posts itself again; the
// worker flushes each connection with one gathered write at the end of the turn. With
// --connections 0 it only holds connections (the idle-memory test).
// Owner: main() starts the server and waits for SIGTERM; the rounds run on the worker.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>

#include "bench/bench_support.h"

#include "herald/web/connections.h"
#include "herald/web/server.h"
#include "herald/web/websocket.h"
#include "herald/ws/broadcast.h"

namespace herald::bench {
namespace {

constexpr std::string_view kUsage =
        "bench_broadcast_server [--host 127.0.0.1] [--port 0] [--connections N] [--burst 1]\n"
        "                       [--max-unsent-bytes 0] [--payload-bytes 100]";

// Worker-local: touched only on the server's one worker. The one handler of every connection, as
// an application with one kind of connection would write it: a connection costs its pointer.
class Rounds : public web::WebSocket::Handler, public std::enable_shared_from_this<Rounds> {
public:
    Rounds(web::Server& server, RoundPolicy policy, ws::BroadcastPtr message)
        : server_(server), policy_(policy), message_(std::move(message)) {}

    // Counts handshakes; once there are enough, the rounds start on the worker's registry.
    void on_open(web::WebSocket& /*socket*/) override {
        if (++open_ == policy_.connections) {
            server_.post_each_worker([self = shared_from_this()](web::Connections& connections) {
                announce("broadcasting " + std::to_string(connections.size()));
                self->round(connections);
            });
        }
    }

    void stop() { stopped_ = true; }

    void report() const { std::fprintf(stderr, "herald: rounds=%zu gated=%zu\n", rounds_, gated_); }

private:
    void round(web::Connections& connections) {
        if (stopped_) {
            return;
        }
        std::size_t most = 0;
        connections.for_each([&most](web::WebSocket& socket) {
            most = std::max(most, socket.buffered_amount());
        });
        if (most > policy_.max_unsent_bytes) {
            ++gated_;
        } else {
            ++rounds_;
            const ws::Broadcast& message = *message_;
            const std::size_t burst = policy_.burst;
            connections.for_each([&message, burst](web::WebSocket& socket) {
                for (std::size_t i = 0; i < burst; ++i) {
                    socket.send(message);
                }
            });
        }
        // Queued behind this turn's flush. Writes complete on a later pass of the loop, so a round
        // that still finds bytes unconfirmed is skipped and tried again.
        connections.worker().post([this, &connections] { round(connections); });
    }

    web::Server& server_;
    RoundPolicy policy_;
    ws::BroadcastPtr message_;
    std::size_t open_ = 0;
    bool stopped_ = false;
    std::size_t rounds_ = 0;
    std::size_t gated_ = 0;
};

int run(int argc, char** argv) {
    const Options options(argc, argv, kUsage);
    install_signal_handlers();
    const RoundPolicy policy = round_policy(options);
    raise_fd_limit(std::max<std::size_t>(policy.connections, 10000) + 64);
    web::ServerOptions server_options;
    server_options.host = options.text("host", "127.0.0.1");
    server_options.port = static_cast<std::uint16_t>(options.count("port", 0));
    server_options.threads = 1;
    server_options.backlog = 4096;
    server_options.kept_request_fields = std::vector<std::string>{};  // it reads no header
    web::Server server(server_options);
    auto rounds = std::make_shared<Rounds>(
            server, policy, ws::Broadcast::text(bench_payload(policy.payload_bytes)));
    server.on_websocket([rounds](const web::WebSocketPtr& socket) { socket->set_handler(rounds); });
    server.start();
    announce("listening " + std::to_string(server.port()));
    while (!stop_requested()) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    server.post_each_worker([rounds](web::Connections&) { rounds->stop(); });
    server.stop(std::chrono::milliseconds(0));
    rounds->report();
    return 0;
}

}  // namespace
}  // namespace herald::bench

int main(int argc, char** argv) {
    return herald::bench::run(argc, argv);
}
