// herald/net/connect_test.cpp
#include "herald/net/connect.h"

#include <future>

#include <gtest/gtest.h>

#include "herald/net/listener.h"
#include "herald/net/worker.h"

namespace herald::net {
namespace {

using boost::asio::ip::tcp;

struct Outcome {
    std::error_code error;
    bool has_stream = false;
    std::string remote;
};

ConnectOptions to_local(std::uint16_t port) {
    ConnectOptions options;
    options.host = "127.0.0.1";
    options.port = port;
    return options;
}

Outcome connect_and_wait(Worker& worker, ConnectOptions options) {
    std::promise<Outcome> promise;
    worker.post([&] {
        async_connect(worker, options, [&](const std::error_code& error, StreamPtr stream) {
            Outcome out{error, stream != nullptr, stream ? stream->remote_address() : ""};
            if (stream) {
                stream->close();
            }
            promise.set_value(out);
        });
    });
    return promise.get_future().get();
}

TEST(Connect, ConnectsToALocalListener) {
    WorkerPool pool(1);
    pool.start();
    Listener listener(pool, ListenOptions{}, [](Worker&, Socket) {});
    listener.start();
    const auto out = connect_and_wait(pool.worker(0), to_local(listener.port()));
    EXPECT_FALSE(out.error) << out.error.message();
    EXPECT_TRUE(out.has_stream);
    EXPECT_EQ(out.remote, "127.0.0.1:" + std::to_string(listener.port()));
}

TEST(Connect, ReportsARefusedConnection) {
    boost::asio::io_context io;
    std::uint16_t closed_port = 0;
    {
        tcp::acceptor probe(io, tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0));
        closed_port = probe.local_endpoint().port();
    }
    Worker worker;
    worker.start();
    const auto out = connect_and_wait(worker, to_local(closed_port));
    EXPECT_TRUE(out.error);
    EXPECT_FALSE(out.has_stream);
}

TEST(Connect, TimesOutWhenTheTlsHandshakeGetsNoAnswer) {
    WorkerPool pool(1);
    pool.start();
    std::vector<Socket> silent;  // accepted and never answered (worker thread only)
    Listener listener(pool, ListenOptions{},
                      [&](Worker&, Socket s) { silent.push_back(std::move(s)); });
    listener.start();
    Worker client;
    client.start();
    const auto begin = std::chrono::steady_clock::now();
    auto options = to_local(listener.port());
    options.timeout = std::chrono::milliseconds(200);
    options.tls = make_client_tls_context(TlsClientOptions{});
    const auto out = connect_and_wait(client, options);
    EXPECT_EQ(out.error, std::make_error_code(std::errc::timed_out));
    EXPECT_LT(std::chrono::steady_clock::now() - begin, std::chrono::seconds(3));
    listener.stop();
    pool.stop();
}

}  // namespace
}  // namespace herald::net
