// The client against the real `herald serve` (protocol.md §2, §4, §5, §10): connection, REST
// events, private and presence channels with a local authorizer and through an HTTP auth
// endpoint, client events between two clients, 4200 and a restart, and 4001.
#include "herald/client/client.h"

#include <algorithm>
#include <atomic>
#include <memory>
#include <mutex>
#include <ranges>
#include <vector>

#include <gtest/gtest.h>

#include "herald/client/herald_server.h"
#include "herald/pusher/auth.h"
#include "herald/pusher/server_message.h"
#include "herald/pusher/socket_id.h"
#include "herald/util/parse.h"
#include "herald/web/server.h"
#include "herald/web/tls_files.h"

namespace herald::client {
namespace {

using namespace std::chrono_literals;
using testing::eventually;
using testing::HeraldServer;

// Signs like an application server would (protocol.md §7.2, §7.3), with the app's secret.
Authorizer local_authorizer(std::string user_id = "") {
    return [user_id](std::string_view socket_id, std::string_view channel) -> AuthResult {
        if (channel.starts_with("presence-")) {
            const std::string data =
                    R"({"user_id":")" + user_id + R"(","user_info":{"name":")" + user_id + "\"}}";
            std::string escaped;
            for (const char c : data) {
                if (c == '"') {
                    escaped += '\\';
                }
                escaped += c;
            }
            return R"({"auth":")" +
                   pusher::channel_auth(testing::kKey, testing::kSecret, socket_id, channel, data) +
                   R"(","channel_data":")" + escaped + "\"}";
        }
        return R"({"auth":")" +
               pusher::channel_auth(testing::kKey, testing::kSecret, socket_id, channel) + "\"}";
    };
}

// Every case runs the real server: skipped when this build has no herald binary (the tsan
// preset builds only the threads tests; set HERALD_BINARY to run them there).
class ClientAgainstHerald : public ::testing::Test {
protected:
    void SetUp() override {
        if (testing::herald_binary().empty()) {
            GTEST_SKIP() << "no herald binary: build the target herald or set HERALD_BINARY";
        }
    }
};

Options options_for(const HeraldServer& server, std::string user_id = "") {
    Options options;
    options.key = std::string(testing::kKey);
    options.port = server.port();
    options.authorizer = local_authorizer(std::move(user_id));
    options.timeouts.first_backoff = 100ms;
    options.timeouts.max_backoff = 400ms;
    return options;
}

// Events and states as the I/O thread reports them.
class Recorder {
public:
    Callback callback() {
        return [this](const Event& event) {
            const std::lock_guard lock(mutex_);
            events_.push_back(event);
        };
    }

    StateCallback states() {
        return [this](State, State current) {
            const std::lock_guard lock(mutex_);
            states_.push_back(current);
        };
    }

    [[nodiscard]] std::size_t count(std::string_view event) const {
        const std::lock_guard lock(mutex_);
        return static_cast<std::size_t>(std::count_if(
                events_.begin(), events_.end(), [&](const Event& e) { return e.event == event; }));
    }

    [[nodiscard]] std::optional<Event> last(std::string_view event) const {
        const std::lock_guard lock(mutex_);
        for (auto it = events_.rbegin(); it != events_.rend(); ++it) {
            if (it->event == event) {
                return *it;
            }
        }
        return std::nullopt;
    }

    [[nodiscard]] std::vector<State> state_list() const {
        const std::lock_guard lock(mutex_);
        return states_;
    }

private:
    mutable std::mutex mutex_;
    std::vector<Event> events_;
    std::vector<State> states_;
};

TEST_F(ClientAgainstHerald, ConnectsAndGetsASocketId) {
    HeraldServer server;
    Client client(options_for(server));
    Recorder recorder;
    client.on_state_change(recorder.states());
    EXPECT_EQ(client.state(), State::Initialized);
    client.connect();
    ASSERT_TRUE(eventually([&] { return client.state() == State::Connected; }));
    EXPECT_TRUE(pusher::is_valid_socket_id(client.socket_id())) << client.socket_id();
    EXPECT_EQ(recorder.state_list(), (std::vector<State>{State::Connecting, State::Connected}));
    client.disconnect();
    ASSERT_TRUE(eventually([&] { return client.state() == State::Disconnected; }));
    EXPECT_EQ(client.socket_id(), "");
}

TEST_F(ClientAgainstHerald, APublicChannelReceivesARestEvent) {
    HeraldServer server;
    Client client(options_for(server));
    Recorder recorder;
    auto news = client.subscribe("news");
    news.bind("pusher:subscription_succeeded", recorder.callback());
    news.bind("update", recorder.callback());
    client.connect();
    ASSERT_TRUE(eventually([&] { return news.subscribed(); }));
    EXPECT_EQ(recorder.count("pusher:subscription_succeeded"), 1U);
    ASSERT_EQ(server.trigger("news", "update", R"({"x":1})"), 200);
    ASSERT_TRUE(eventually([&] { return recorder.count("update") == 1; }));
    EXPECT_EQ(recorder.last("update")->data, R"({"x":1})");
    EXPECT_EQ(recorder.last("update")->channel, "news");
}

TEST_F(ClientAgainstHerald, PrivateChannelWithALocalAuthorizer) {
    HeraldServer server;
    Client client(options_for(server));
    Recorder recorder;
    client.bind_global(recorder.callback());
    auto orders = client.subscribe("private-orders");
    client.connect();
    ASSERT_TRUE(eventually([&] { return orders.subscribed(); }));
    ASSERT_EQ(server.trigger("private-orders", "shipped", "42"), 200);
    ASSERT_TRUE(eventually([&] { return recorder.count("shipped") == 1; }));

    // An authorizer that signs with the wrong secret: the server refuses the subscription.
    Options wrong = options_for(server);
    wrong.authorizer = [](std::string_view socket_id, std::string_view channel) -> AuthResult {
        return R"({"auth":")" + pusher::channel_auth(testing::kKey, "nope", socket_id, channel) +
               "\"}";
    };
    Client refused(std::move(wrong));
    Recorder errors;
    auto channel = refused.subscribe("private-orders");
    channel.bind("pusher:subscription_error", errors.callback());
    refused.on_error(errors.callback());
    refused.connect();
    ASSERT_TRUE(eventually([&] {
        return errors.count("pusher:subscription_error") + errors.count("pusher:error") > 0;
    }));
    EXPECT_FALSE(channel.subscribed());
    EXPECT_EQ(refused.state(), State::Connected);
}

TEST_F(ClientAgainstHerald, PresenceRosterAndMemberChangesBetweenTwoClients) {
    HeraldServer server;
    Client ann(options_for(server, "ann"));
    Recorder ann_events;
    auto room = ann.subscribe("presence-room");
    room.bind("pusher:member_added", ann_events.callback());
    room.bind("pusher:member_removed", ann_events.callback());
    ann.connect();
    ASSERT_TRUE(eventually([&] { return room.subscribed(); }));
    EXPECT_EQ(room.members().me(), "ann");
    EXPECT_EQ(room.members().count(), 1U);

    auto bob = std::make_unique<Client>(options_for(server, "bob"));
    auto bob_room = bob->subscribe("presence-room");
    bob->connect();
    ASSERT_TRUE(eventually([&] { return bob_room.subscribed(); }));
    const auto roster = bob_room.members();
    EXPECT_EQ(roster.me(), "bob");
    EXPECT_EQ(roster.count(), 2U);
    EXPECT_EQ(roster.get("ann"), R"({"name":"ann"})");

    ASSERT_TRUE(eventually([&] { return ann_events.count("pusher:member_added") == 1; }));
    EXPECT_EQ(ann_events.last("pusher:member_added")->user_id, "bob");
    EXPECT_EQ(room.members().count(), 2U);
    EXPECT_EQ(room.members().get("bob"), R"({"name":"bob"})");

    bob.reset();  // bob leaves
    ASSERT_TRUE(eventually([&] { return ann_events.count("pusher:member_removed") == 1; }));
    EXPECT_EQ(ann_events.last("pusher:member_removed")->user_id, "bob");
    EXPECT_EQ(room.members().count(), 1U);
    EXPECT_FALSE(room.members().get("bob"));
}

TEST_F(ClientAgainstHerald, ClientEventsBetweenTwoClients) {
    HeraldServer server;
    Client ann(options_for(server, "ann"));
    Client bob(options_for(server, "bob"));
    Recorder bob_events;
    auto ann_chat = ann.subscribe("presence-chat");
    auto bob_chat = bob.subscribe("presence-chat");
    bob_chat.bind("client-typing", bob_events.callback());
    ann.connect();
    bob.connect();
    ASSERT_TRUE(eventually([&] { return ann_chat.subscribed() && bob_chat.subscribed(); }));
    EXPECT_FALSE(ann.trigger("presence-chat", "typing", "{}"));  // no client- prefix
    const auto sent = ann_chat.trigger("client-typing", R"({"typing":true})");
    ASSERT_TRUE(sent) << sent.error();
    ASSERT_TRUE(eventually([&] { return bob_events.count("client-typing") == 1; }));
    const auto event = *bob_events.last("client-typing");
    EXPECT_EQ(event.data, R"({"typing":true})");
    EXPECT_EQ(event.user_id, "ann");  // added by the server, from ann's channel_data

    auto news = ann.subscribe("news");
    ASSERT_TRUE(eventually([&] { return news.subscribed(); }));
    EXPECT_FALSE(news.trigger("client-x", "{}"));  // public channels take no client events
}

TEST_F(ClientAgainstHerald, AStoppedServerCloses4200AndTheClientComesBackWithItsChannels) {
    HeraldServer server;
    Client client(options_for(server));
    Recorder recorder;
    client.on_state_change(recorder.states());
    auto news = client.subscribe("news");
    auto orders = client.subscribe("private-orders");
    news.bind("update", recorder.callback());
    client.connect();
    ASSERT_TRUE(eventually([&] { return news.subscribed() && orders.subscribed(); }));
    const std::string first_id = client.socket_id();

    server.stop();  // 4200: reconnect at once, then back off while the port is closed
    ASSERT_TRUE(eventually([&] { return client.state() != State::Connected; }));
    EXPECT_FALSE(news.subscribed());
    server.start();  // the same port
    ASSERT_TRUE(eventually([&] {
        return client.state() == State::Connected && news.subscribed() && orders.subscribed();
    }));
    EXPECT_NE(client.socket_id(), first_id);
    ASSERT_EQ(server.trigger("news", "update", "after"), 200);
    ASSERT_TRUE(eventually([&] { return recorder.count("update") == 1; }));
    const auto states = recorder.state_list();
    ASSERT_GE(states.size(), 4U);
    EXPECT_EQ(states[2], State::Connecting);
    EXPECT_EQ(states.back(), State::Connected);
}

TEST_F(ClientAgainstHerald, AnUnknownAppKeyFailsWithoutReconnecting) {
    HeraldServer server;
    Options options = options_for(server);
    options.key = "unknown";
    Client client(std::move(options));
    Recorder recorder;
    client.on_state_change(recorder.states());
    client.on_error(recorder.callback());
    client.connect();
    ASSERT_TRUE(eventually([&] { return client.state() == State::Failed; }));
    std::this_thread::sleep_for(600ms);  // longer than the back-off's cap: no new attempt
    EXPECT_EQ(client.state(), State::Failed);
    EXPECT_EQ(recorder.state_list(), (std::vector<State>{State::Connecting, State::Failed}));
    ASSERT_TRUE(recorder.last("pusher:error"));
    EXPECT_NE(recorder.last("pusher:error")->data.find("4001"), std::string::npos);
}

// A server that accepts, sends connection_established (activity_timeout 1 s) and then never
// answers: the client pings after 1 s, gives up after the pong timeout and connects again.
// pusher-js's auth endpoint, served by a web::Server: it records each request and answers
// with the app's signature, or with `refuse_status` when that is not 0.
class AuthEndpointServer {
public:
    explicit AuthEndpointServer(unsigned refuse_status = 0) : server_(web::ServerOptions{}) {
        server_.on_http([this, refuse_status](const http::Request& request) {
            {
                const std::lock_guard lock(mutex_);
                bodies_.push_back(request.body);
                content_types_.emplace_back(request.fields.get("Content-Type").value_or(""));
                tokens_.emplace_back(request.fields.get("X-Token").value_or(""));
            }
            http::Response response;
            if (refuse_status != 0) {
                response.status = refuse_status;
                response.body = "no";
                return response;
            }
            std::string socket_id;
            std::string channel;
            std::string user_id;
            for (const auto part : std::views::split(std::string_view(request.body), '&')) {
                const std::string_view field(part.begin(), part.end());
                const auto eq = field.find('=');
                const auto name = field.substr(0, eq);
                const auto value = util::percent_decode(field.substr(eq + 1));
                if (name == "socket_id") {
                    socket_id = value;
                } else if (name == "channel_name") {
                    channel = value;
                } else if (name == "user_id") {
                    user_id = value;
                }
            }
            response.fields.set("Content-Type", "application/json");
            response.body = *local_authorizer(user_id)(socket_id, channel);
            return response;
        });
        server_.start();
    }

    ~AuthEndpointServer() { server_.stop(200ms); }

    AuthEndpointServer(const AuthEndpointServer&) = delete;
    AuthEndpointServer& operator=(const AuthEndpointServer&) = delete;

    [[nodiscard]] std::string url() const {
        return "http://127.0.0.1:" + std::to_string(server_.port()) + "/pusher/auth";
    }

    [[nodiscard]] std::vector<std::string> bodies() const {
        const std::lock_guard lock(mutex_);
        return bodies_;
    }

    [[nodiscard]] std::vector<std::string> content_types() const {
        const std::lock_guard lock(mutex_);
        return content_types_;
    }

    [[nodiscard]] std::vector<std::string> tokens() const {
        const std::lock_guard lock(mutex_);
        return tokens_;
    }

private:
    web::Server server_;
    mutable std::mutex mutex_;
    std::vector<std::string> bodies_;
    std::vector<std::string> content_types_;
    std::vector<std::string> tokens_;
};

Options endpoint_options(const HeraldServer& server, const AuthEndpointServer& endpoint) {
    Options options = options_for(server);
    options.authorizer = nullptr;
    options.auth_endpoint = endpoint.url();
    return options;
}

TEST_F(ClientAgainstHerald, PrivateAndPresenceChannelsThroughTheAuthEndpoint) {
    HeraldServer server;
    AuthEndpointServer endpoint;
    Options options = endpoint_options(server, endpoint);
    options.auth_params = {{"user_id", "ann"}};
    options.auth_headers = {{"X-Token", "t 1"}};
    Client client(std::move(options));
    Recorder recorder;
    auto orders = client.subscribe("private-orders");
    orders.bind("pusher:subscription_succeeded", recorder.callback());
    orders.bind("shipped", recorder.callback());
    auto room = client.subscribe("presence-room");
    room.bind("pusher:subscription_succeeded", recorder.callback());
    client.connect();
    ASSERT_TRUE(eventually([&] { return recorder.count("pusher:subscription_succeeded") == 2; }));
    EXPECT_EQ(room.members().me(), "ann");
    ASSERT_EQ(server.trigger("private-orders", "shipped", "42"), 200);
    ASSERT_TRUE(eventually([&] { return recorder.count("shipped") == 1; }));

    // Byte for byte what pusher-js sends: the form body, its content type, the extra header.
    const std::string socket_id = client.socket_id();
    auto bodies = endpoint.bodies();
    std::sort(bodies.begin(), bodies.end());
    EXPECT_EQ(bodies,
              (std::vector<std::string>{
                      "socket_id=" + socket_id + "&channel_name=presence-room&user_id=ann",
                      "socket_id=" + socket_id + "&channel_name=private-orders&user_id=ann"}));
    EXPECT_EQ(endpoint.content_types(),
              (std::vector<std::string>(2, "application/x-www-form-urlencoded")));
    EXPECT_EQ(endpoint.tokens(), (std::vector<std::string>(2, "t 1")));
}

TEST_F(ClientAgainstHerald, ARefusingAuthEndpointGivesASubscriptionErrorWithItsStatus) {
    HeraldServer server;
    AuthEndpointServer endpoint(403);
    Client client(endpoint_options(server, endpoint));
    Recorder recorder;
    auto orders = client.subscribe("private-orders");
    orders.bind("pusher:subscription_error", recorder.callback());
    client.connect();
    ASSERT_TRUE(eventually([&] { return recorder.count("pusher:subscription_error") == 1; }));
    const auto error = recorder.last("pusher:subscription_error");
    EXPECT_NE(error->data.find(R"("type":"AuthError")"), std::string::npos) << error->data;
    EXPECT_NE(error->data.find(R"("status":403)"), std::string::npos) << error->data;
    EXPECT_FALSE(orders.subscribed());
}

TEST_F(ClientAgainstHerald, TheAuthorizerCallbackWinsOverTheEndpoint) {
    HeraldServer server;
    AuthEndpointServer endpoint(500);
    Options options = endpoint_options(server, endpoint);
    options.authorizer = local_authorizer();
    Client client(std::move(options));
    Recorder recorder;
    auto orders = client.subscribe("private-orders");
    orders.bind("pusher:subscription_succeeded", recorder.callback());
    client.connect();
    ASSERT_TRUE(eventually([&] { return recorder.count("pusher:subscription_succeeded") == 1; }));
    EXPECT_TRUE(endpoint.bodies().empty());
}

TEST(ClientAgainstASilentServer, ReconnectsAfterTheActivityAndPongTimeouts) {
    std::mutex mutex;
    std::vector<std::string> received;
    int connections = 0;
    web::ServerOptions server_options;
    server_options.ping_interval = 0ms;
    web::Server server(server_options);
    server.on_websocket([&](const web::WebSocketPtr& socket) {
        web::WebSocket* raw = socket.get();
        socket->on_open([&, raw] {
            const std::lock_guard lock(mutex);
            ++connections;
            raw->send(pusher::connection_established(std::to_string(connections) + ".1", 1s));
        });
        socket->on_message([&](const web::Message& message) {
            const std::lock_guard lock(mutex);
            received.emplace_back(message.data);
        });
    });
    server.start();

    Options options;
    options.key = "key";
    options.port = server.port();
    options.timeouts.pong = 300ms;
    Client client(std::move(options));
    Recorder recorder;
    client.on_state_change(recorder.states());
    client.connect();
    ASSERT_TRUE(eventually([&] {
        const std::lock_guard lock(mutex);
        return connections >= 2;
    }));
    {
        const std::lock_guard lock(mutex);
        ASSERT_FALSE(received.empty());
        EXPECT_EQ(received[0], R"({"event":"pusher:ping","data":{}})");
    }
    ASSERT_TRUE(eventually([&] { return client.socket_id() == "2.1"; }));
    const auto states = recorder.state_list();
    ASSERT_GE(states.size(), 4U);
    EXPECT_EQ(states[0], State::Connecting);
    EXPECT_EQ(states[1], State::Connected);
    EXPECT_EQ(states[2], State::Connecting);
    EXPECT_EQ(states[3], State::Connected);
    client.disconnect();
    ASSERT_TRUE(eventually([&] { return client.state() == State::Disconnected; }));
    server.stop(200ms);
}

// 4000 (protocol.md §5.2): a plain server that accepts only TLS; the client comes back over
// wss:// on the same port, where a TLS server now answers.
TEST(ClientAgainstATlsOnlyServer, Code4000SwitchesToTls) {
    const web::testing::TlsFiles files;
    if (!files.ok()) {
        GTEST_SKIP() << "the openssl command could not make a certificate";
    }
    std::atomic<int> refused{0};
    auto plain = std::make_unique<web::Server>(web::ServerOptions{});
    plain->on_websocket([&](const web::WebSocketPtr& socket) {
        web::WebSocket* raw = socket.get();
        socket->on_open([&, raw] {
            ++refused;
            raw->send(pusher::pusher_error(pusher::ErrorCode::SslOnly, "TLS only"));
            raw->close(4000);
        });
    });
    plain->start();
    const std::uint16_t port = plain->port();

    Options options;
    options.key = "key";
    options.port = port;
    options.ca_file = files.cert().string();
    options.timeouts.first_backoff = 50ms;
    options.timeouts.max_backoff = 200ms;
    Client client(std::move(options));
    Recorder recorder;
    client.on_state_change(recorder.states());
    client.connect();
    ASSERT_TRUE(eventually([&] { return refused.load() >= 1; }));
    plain->stop(200ms);
    plain.reset();

    web::ServerOptions tls_options;
    tls_options.port = port;
    tls_options.tls = net::TlsServerOptions{files.cert().string(), files.key().string()};
    web::Server tls(tls_options);
    tls.on_websocket([](const web::WebSocketPtr& socket) {
        web::WebSocket* raw = socket.get();
        socket->on_open([raw] { raw->send(pusher::connection_established("9.9", 120s)); });
    });
    tls.start();
    ASSERT_TRUE(eventually([&] { return client.socket_id() == "9.9"; }));
    EXPECT_EQ(refused.load(), 1);  // never plain again
    const auto states = recorder.state_list();
    EXPECT_EQ(std::count(states.begin(), states.end(), State::Failed), 0);
    client.disconnect();
    tls.stop(200ms);
}

}  // namespace
}  // namespace herald::client
