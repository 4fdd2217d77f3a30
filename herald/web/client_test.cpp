// herald/web/client_test.cpp
//
// Integration: the client's failure paths (refused, refused handshake, silent server, dropped
// connection) and a TLS round trip with a throwaway self-signed certificate.
#include "herald/web/client.h"

#include <cstdlib>
#include <filesystem>
#include <string>

#include <boost/asio/write.hpp>
#include <gtest/gtest.h>

#include "herald/net/listener.h"
#include "herald/web/echo_fixture.h"
#include "herald/web/tls_files.h"
#include "herald/ws/handshake.h"

namespace herald::web {
namespace {

using namespace std::chrono_literals;
using testing::EchoFixture;
using testing::Recorder;

std::uint16_t closed_port() {
    boost::asio::io_context io;
    boost::asio::ip::tcp::acceptor probe(
            io, boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0));
    return probe.local_endpoint().port();
}

TEST(WsClient, RefusedConnectionReportsErrorThenClose1006) {
    Recorder events;  // outlives the client's worker, which reports to it
    Client client;
    auto socket = client.connect("ws://127.0.0.1:" + std::to_string(closed_port()) + "/",
                                 [&](WebSocket& s) { testing::record(s, events); });
    const auto error = events.next();
    ASSERT_TRUE(error);
    EXPECT_EQ(error->kind, "error");
    EXPECT_NE(error->data.find("cannot connect"), std::string::npos) << error->data;
    const auto close = events.next();
    ASSERT_TRUE(close);
    EXPECT_EQ(close->kind, "close");
    EXPECT_EQ(close->code, 1006);
    EXPECT_EQ(socket->ready_state(), ReadyState::Closed);
}

TEST(WsClient, RejectsUrlsThatAreNotWebSocketUrls) {
    Client client;
    EXPECT_THROW(client.connect("http://127.0.0.1/"), std::invalid_argument);
}

TEST(WsClient, CloseBeforeOpenAbandonsWithoutAnError) {
    Recorder events;  // outlives the client's worker, which reports to it
    Client client;
    auto socket = client.connect("ws://127.0.0.1:" + std::to_string(closed_port()) + "/",
                                 [&](WebSocket& s) {
                                     testing::record(s, events);
                                     s.close();
                                 });
    const auto close = events.next();
    ASSERT_TRUE(close);
    EXPECT_EQ(close->kind, "close");
    EXPECT_EQ(close->code, 1006);
    EXPECT_FALSE(events.next(100ms));
}

// A server that accepts and then behaves as `behave` says, on the worker thread.
class ScriptedServer {
public:
    using Behaviour = std::function<void(net::Socket&)>;

    explicit ScriptedServer(Behaviour behave)
        : listener_(pool_, net::ListenOptions{}, [this, behave](net::Worker&, auto socket) {
              behave(socket);
              kept_.push_back(std::move(socket));
          }) {
        pool_.start();
        listener_.start();
    }

    ~ScriptedServer() {
        listener_.stop();
        pool_.stop();
    }

    std::string url() const { return "ws://127.0.0.1:" + std::to_string(listener_.port()) + "/"; }

private:
    net::WorkerPool pool_{1};
    std::vector<net::Socket> kept_;  // worker thread only
    net::Listener listener_;
};

TEST(WsClient, SilentServerFailsTheHandshakeAfterTheTimeout) {
    ScriptedServer server([](auto&) {});
    ClientOptions options;
    options.handshake_timeout = 150ms;
    options.session.close_timeout = 100ms;
    Recorder events;
    Client client(options);
    client.connect(server.url(), [&](WebSocket& s) { testing::record(s, events); });
    const auto error = events.next(5s);
    ASSERT_TRUE(error);
    EXPECT_NE(error->data.find("timed out"), std::string::npos) << error->data;
    EXPECT_EQ(events.next()->code, 1006);
}

TEST(WsClient, DroppedConnectionAfterOpenIsReportedAs1006) {
    ScriptedServer server([](net::Socket& socket) {
        // Read the request (it fits one read on loopback), answer 101, then hang up.
        std::string request(4096, '\0');
        socket.non_blocking(false);
        const std::size_t n = socket.read_some(boost::asio::buffer(request));
        request.resize(n);
        const auto start = request.find("Sec-WebSocket-Key: ") + 19;
        const auto key = request.substr(start, request.find("\r\n", start) - start);
        const std::string response =
                "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                "Sec-WebSocket-Accept: " +
                ws::accept_key(key) + "\r\n\r\n";
        boost::asio::write(socket, boost::asio::buffer(response));
        socket.close();
    });
    Recorder events;  // outlives the client's worker, which reports to it
    Client client;
    client.connect(server.url(), [&](WebSocket& s) { testing::record(s, events); });
    EXPECT_EQ(events.next()->kind, "open");
    const auto close = events.next();
    ASSERT_TRUE(close);
    EXPECT_EQ(close->kind, "close");
    EXPECT_EQ(close->code, 1006);
}

using WsClientAgainstServer = EchoFixture;

TEST_F(WsClientAgainstServer, RefusedHandshakeNamesTheStatus) {
    server_ = std::make_unique<Server>(testing::quick_server_options());
    server_->start();  // no WebSocket handler: upgrades get 404
    Recorder& events = new_recorder();
    connect(events);
    const auto error = events.next();
    ASSERT_TRUE(error);
    EXPECT_EQ(error->kind, "error");
    EXPECT_NE(error->data.find("404"), std::string::npos) << error->data;
    EXPECT_EQ(events.next()->code, 1006);
}

// A self-signed certificate for 127.0.0.1, made with the openssl command in a fresh directory.
using testing::TlsFiles;

class WsTls : public EchoFixture {
protected:
    void SetUp() override {
        if (!files_.ok()) {
            GTEST_SKIP() << "the openssl command could not make a certificate";
        }
        auto options = testing::quick_server_options();
        options.tls = net::TlsServerOptions{files_.cert().string(), files_.key().string()};
        start_server(options);
    }

    std::string wss_url() const {
        return "wss://127.0.0.1:" + std::to_string(server_->port()) + "/";
    }

    TlsFiles files_;
};

TEST_F(WsTls, EchoRoundTripWithTheCertificateTrusted) {
    ClientOptions options;
    options.tls.ca_file = files_.cert().string();
    Client client(options);
    Recorder& events = new_recorder();
    auto socket = client.connect(wss_url(), [&](WebSocket& s) { testing::record(s, events); });
    ASSERT_EQ(events.next()->kind, "open");
    const std::string big(200 * 1024, 'q');
    on_worker(socket, [&](WebSocket& s) {
        EXPECT_TRUE(s.is_tls());
        s.send("over tls");
        s.send_binary(big);
    });
    EXPECT_EQ(events.next()->data, "over tls");
    EXPECT_EQ(events.next()->data, big);
    on_worker(socket, [](WebSocket& s) { s.close(1000, "done"); });
    const auto close = events.next_of("close");
    ASSERT_TRUE(close);
    EXPECT_EQ(close->code, 1000);
}

TEST_F(WsTls, VerificationFailsWithoutTrustAndPassesWhenDisabled) {
    Client strict;  // system trust store: our certificate is unknown there
    Recorder& refused = new_recorder();
    strict.connect(wss_url(), [&](WebSocket& s) { testing::record(s, refused); });
    const auto error = refused.next();
    ASSERT_TRUE(error);
    EXPECT_EQ(error->kind, "error");
    ClientOptions options;
    options.tls.verify = false;
    Client lax(options);
    Recorder& accepted = new_recorder();
    lax.connect(wss_url(), [&](WebSocket& s) { testing::record(s, accepted); });
    EXPECT_EQ(accepted.next()->kind, "open");
}

}  // namespace
}  // namespace herald::web
