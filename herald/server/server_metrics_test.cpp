// The server's counters through real connections and the real hub (on the test thread), read
// back from the text exposition GET /metrics answers.
#include "herald/server/server_metrics.h"

#include <chrono>
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "herald/server/hub_fixture.h"

namespace herald::server {
namespace {

class ServerMetricsTest : public hub_testing::HubFixture {
protected:
    ServerMetricsTest() = default;

    explicit ServerMetricsTest(App app) : HubFixture(std::move(app)) {}

    // The value of the sample whose line starts with `series` + " ", or -1 when there is none.
    double sample(const std::string& series) const {
        const auto text = context_.metrics.exposition().text();
        const auto at = text.find("\n" + series + " ");
        if (at == std::string::npos) {
            return -1;
        }
        return std::stod(text.substr(at + series.size() + 2));
    }

    // herald_channels of the app for each type: public, private, presence, encrypted, cache.
    std::vector<double> channels() const {
        std::vector<double> out;
        for (const auto* type : {"public", "private", "presence", "encrypted", "cache"}) {
            out.push_back(
                    sample(R"(herald_channels{app="app-id",type=")" + std::string(type) + R"("})"));
        }
        return out;
    }

    // Sends `text` from connection `c`, adding its size to received_bytes_.
    void counted_receive(std::size_t c, const std::string& text) {
        received_bytes_ += text.size();
        receive(c, text);
    }

    // Every byte the connections wrote so far (what the wires recorded, as sent).
    std::size_t bytes_on_wires() const {
        std::size_t n = 0;
        for (const auto* wire : wires_) {
            for (const auto& message : wire->sent) {
                n += message.size();
            }
        }
        return n;
    }

    void leave(std::size_t c, const std::string& channel) {
        receive(c, R"({"event":"pusher:unsubscribe","data":{"channel":")" + channel + R"("}})");
    }

    std::size_t received_bytes_ = 0;
};

using Values = std::vector<double>;

TEST_F(ServerMetricsTest, CountsConnectionsMessagesAndCloseCodesPerApp) {
    const auto a = connect(0);
    const auto b = connect(1);
    subscribe(a, "news");
    subscribe(b, "news");
    receive(a, R"({"event":"pusher:ping","data":{}})");
    receive(b, R"({"event":"pusher:unsubscribe","data":{"channel":"news"}})");
    receive(b, R"({"event":"nonsense"})");
    receive(b, "not json");
    EXPECT_EQ(sample(R"(herald_connections{app="app-id"})"), 2);
    EXPECT_EQ(sample(R"(herald_connections_opened_total{app="app-id"})"), 2);
    EXPECT_EQ(sample(R"(herald_messages_received_total{app="app-id",kind="subscribe"})"), 2);
    EXPECT_EQ(sample(R"(herald_messages_received_total{app="app-id",kind="ping"})"), 1);
    EXPECT_EQ(sample(R"(herald_messages_received_total{app="app-id",kind="unsubscribe"})"), 1);
    EXPECT_EQ(sample(R"(herald_messages_received_total{app="app-id",kind="other"})"), 2);
    EXPECT_EQ(sample(R"(herald_messages_received_total{app="app-id",kind="client_event"})"), 0);
    // connection_established and subscription_succeeded to each, a pong, an error for "not json".
    EXPECT_EQ(sample(R"(herald_messages_sent_total{app="app-id"})"), 6);
    EXPECT_EQ(sample(R"(herald_connections_closed_total{app="app-id",code="4200"})"), -1);

    connections_[a]->closed(4200);
    connections_[b]->closed(1006);
    EXPECT_EQ(sample(R"(herald_connections{app="app-id"})"), 0);
    EXPECT_EQ(sample(R"(herald_connections_closed_total{app="app-id",code="4200"})"), 1);
    EXPECT_EQ(sample(R"(herald_connections_closed_total{app="app-id",code="none"})"), 1);
}

TEST_F(ServerMetricsTest, ABroadcastCountsOneMessagePerSubscriber) {
    const auto a = connect(0);
    const auto b = connect(1);
    subscribe(a, "news");
    subscribe(b, "news");
    const auto before = sample(R"(herald_messages_sent_total{app="app-id"})");
    hub_.publish_everywhere(app(), Publication{"news", "update", "hello", std::nullopt, {}});
    run_posted();
    EXPECT_EQ(sample(R"(herald_messages_sent_total{app="app-id"})"), before + 2);
}

TEST_F(ServerMetricsTest, ChannelsByTypeCountTheFirstSubscriberAndTheLast) {
    const auto a = connect(0);
    const auto b = connect(1);
    EXPECT_EQ(channels(), (Values{0, 0, 0, 0, 0}));
    subscribe(a, "news");
    subscribe(b, "news");
    subscribe(a, "weather");
    subscribe(a, "private-a");
    subscribe(b, "private-a");
    subscribe(a, "presence-room", R"({"user_id":"1"})");
    subscribe(a, "private-encrypted-e");
    subscribe(a, "cache-c");
    subscribe(b, "private-cache-c");
    subscribe(b, "presence-cache-c", R"({"user_id":"2"})");
    // A cache channel counts as cache whatever else it is.
    EXPECT_EQ(channels(), (Values{2, 1, 1, 1, 3}));

    leave(a, "news");  // b is still there
    leave(a, "private-a");
    EXPECT_EQ(channels(), (Values{2, 1, 1, 1, 3}));
    leave(b, "news");
    leave(a, "weather");
    leave(a, "cache-c");
    EXPECT_EQ(channels(), (Values{0, 1, 1, 1, 2}));
    connections_[a]->closed(1000);  // presence-room, private-encrypted-e
    EXPECT_EQ(channels(), (Values{0, 1, 0, 0, 2}));
    connections_[b]->closed(1006);
    EXPECT_EQ(channels(), (Values{0, 0, 0, 0, 0}));
}

TEST_F(ServerMetricsTest, AUsersChannelIsNotCounted) {
    const auto a = connect(0);
    const std::string user_data = R"({"id":"42"})";
    const auto auth =
            pusher::user_auth(app().key, app().secret, connections_[a]->socket_id(), user_data);
    receive(a, pusher::serialize(pusher::ClientMessage{pusher::Signin{auth, user_data}}));
    ASSERT_TRUE(has(take(a), "pusher:signin_success"));
    EXPECT_EQ(hub_.subscriptions_on_this_node(0, "#server-to-user-42"), 1U);
    EXPECT_EQ(channels(), (Values{0, 0, 0, 0, 0}));
}

TEST_F(ServerMetricsTest, PresenceMembersCountEachUserOncePerChannel) {
    const auto ann = connect(0);
    const auto ann2 = connect(1);
    const auto bob = connect(1);
    const std::string members = R"(herald_presence_members{app="app-id"})";
    EXPECT_EQ(sample(members), 0);
    subscribe(ann, "presence-room", R"({"user_id":"ann"})");
    subscribe(ann2, "presence-room", R"({"user_id":"ann"})");  // the same user again
    EXPECT_EQ(sample(members), 1);
    subscribe(bob, "presence-room", R"({"user_id":"bob"})");
    subscribe(ann2, "presence-hall", R"({"user_id":"ann"})");
    EXPECT_EQ(sample(members), 3);
    subscribe(bob, "private-x");  // not a presence channel
    EXPECT_EQ(sample(members), 3);

    leave(ann, "presence-room");  // ann2 still holds ann's membership
    EXPECT_EQ(sample(members), 3);
    connections_[ann2]->closed(1000);  // ann leaves presence-room and presence-hall
    EXPECT_EQ(sample(members), 1);
    leave(bob, "presence-room");
    EXPECT_EQ(sample(members), 0);
}

TEST_F(ServerMetricsTest, BytesArePayloadSizes) {
    const auto a = connect(0);
    const auto b = connect(1);
    counted_receive(a, R"({"event":"pusher:subscribe","data":{"channel":"news"}})");
    counted_receive(b, R"({"event":"pusher:subscribe","data":{"channel":"news"}})");
    counted_receive(a, R"({"event":"pusher:ping","data":{}})");
    counted_receive(b, "not json");
    counted_receive(b, R"({"event":"client-x","channel":"news","data":{}})");  // refused
    EXPECT_EQ(sample(R"(herald_bytes_received_total{app="app-id"})"),
              static_cast<double>(received_bytes_));
    EXPECT_EQ(sample(R"(herald_bytes_sent_total{app="app-id"})"),
              static_cast<double>(bytes_on_wires()));

    const auto before = sample(R"(herald_bytes_sent_total{app="app-id"})");
    take(a), take(b);
    hub_.publish_everywhere(app(), Publication{"news", "update", "hello", std::nullopt, {}});
    run_posted();
    const std::string event = R"({"event":"update","channel":"news","data":"hello"})";
    EXPECT_EQ(take(a), std::vector<std::string>{event});
    EXPECT_EQ(sample(R"(herald_bytes_sent_total{app="app-id"})"),
              before + 2 * static_cast<double>(event.size()));
    EXPECT_EQ(sample(R"(herald_bytes_received_total{app="app-id"})"),
              static_cast<double>(received_bytes_));
}

TEST_F(ServerMetricsTest, EventsPublishedBySource) {
    const auto a = connect(0);
    const auto b = connect(1);
    subscribe(a, "private-chat");
    subscribe(b, "private-chat");
    const auto published = [this](const char* source) {
        return sample(R"(herald_events_published_total{app="app-id",source=")" +
                      std::string(source) + R"("})");
    };
    EXPECT_EQ(published("rest"), 0);
    EXPECT_EQ(published("client"), 0);
    EXPECT_EQ(published("cluster"), 0);

    hub_.publish_everywhere(app(), Publication{"private-chat", "ev", "1", std::nullopt, {}});
    hub_.publish_everywhere(app(), Publication{"nobody-here", "ev", "2", std::nullopt, {}});
    receive(a, R"({"event":"client-typing","channel":"private-chat","data":{}})");
    receive(a, R"({"event":"client-typing","channel":"news","data":{}})");  // refused: public
    hub_.deliver_from_cluster(cluster::Event{"app-id", "private-chat", "{}", {}, {}, {}});
    hub_.deliver_from_cluster(cluster::Event{"app-id", "private-chat", "{}", {}, {}, {}});
    hub_.deliver_from_cluster(cluster::Event{"other-app", "private-chat", "{}", {}, {}, {}});
    run_posted();
    EXPECT_TRUE(has(take(b), R"("event":"client-typing")"));
    EXPECT_EQ(published("rest"), 2);
    EXPECT_EQ(published("client"), 1);
    EXPECT_EQ(published("cluster"), 2);
    EXPECT_EQ(sample(R"(herald_events_published_total{app="other-app",source="cluster"})"), -1);
}

TEST_F(ServerMetricsTest, SlowConsumersDroppedCountOpenConnectionsOnce) {
    const auto a = connect(0);
    const auto b = connect(1);
    const std::string dropped = R"(herald_slow_consumers_dropped_total{app="app-id"})";
    EXPECT_EQ(sample(dropped), 0);
    // What the WebSocket does when a connection's send queue passes its limit: report the
    // overflow, then close with 4100.
    connections_[a]->dropped_as_slow_consumer();
    connections_[a]->closed(4100);
    connections_[a]->dropped_as_slow_consumer();  // closed already: not again
    EXPECT_EQ(sample(dropped), 1);
    EXPECT_EQ(sample(R"(herald_connections_closed_total{app="app-id",code="4100"})"), 1);
    connections_[b]->closed(4100);  // a 4100 for another reason is no slow consumer
    EXPECT_EQ(sample(dropped), 1);
}

TEST_F(ServerMetricsTest, HandshakesRefusedWhileDraining) {
    connect(0);
    context_.draining = true;
    const auto late = connect(1);
    EXPECT_EQ(wires_[late]->close_code, 4200);
    EXPECT_EQ(sample(R"(herald_handshakes_refused_total{reason="draining"})"), 1);
    EXPECT_EQ(sample(R"(herald_handshakes_refused_total{reason="app_limit"})"), 0);
    EXPECT_EQ(sample(R"(herald_connections_opened_total{app="app-id"})"), 1);
    for (const auto* reason : {"path", "unknown_app", "app_disabled", "tls_only", "protocol",
                               "origin", "address_limit"}) {
        EXPECT_EQ(sample(R"(herald_handshakes_refused_total{reason=")" + std::string(reason) +
                         R"("})"),
                  0)
                << reason;
    }
}

class AppLimitMetricsTest : public ServerMetricsTest {
protected:
    AppLimitMetricsTest() : ServerMetricsTest(limited_app()) {}

    static App limited_app() {
        auto app = default_app();
        app.limits.max_connections = 2;
        return app;
    }
};

TEST_F(AppLimitMetricsTest, HandshakesRefusedOverTheAppsConnectionLimit) {
    connect(0);
    connect(1);
    const auto third = connect(0);
    const auto fourth = connect(1);
    EXPECT_EQ(wires_[third]->close_code, 4004);
    EXPECT_EQ(wires_[fourth]->close_code, 4004);
    EXPECT_EQ(sample(R"(herald_handshakes_refused_total{reason="app_limit"})"), 2);
    EXPECT_EQ(sample(R"(herald_handshakes_refused_total{reason="draining"})"), 0);
    EXPECT_EQ(sample(R"(herald_connections{app="app-id"})"), 2);
    EXPECT_EQ(sample(R"(herald_connections_opened_total{app="app-id"})"), 2);
}

TEST_F(ServerMetricsTest, ConfigReloadsByResult) {
    EXPECT_EQ(sample(R"(herald_config_reloads_total{result="ok"})"), 0);
    EXPECT_EQ(sample(R"(herald_config_reloads_total{result="failed"})"), 0);
    context_.metrics.reloaded(true);
    context_.metrics.reloaded(false);
    context_.metrics.reloaded(true);
    EXPECT_EQ(sample(R"(herald_config_reloads_total{result="ok"})"), 2);
    EXPECT_EQ(sample(R"(herald_config_reloads_total{result="failed"})"), 1);
}

TEST_F(ServerMetricsTest, ARemovedAppsSeriesGoAndANewAppsCome) {
    const auto a = connect(0);
    subscribe(a, "presence-room", R"({"user_id":"1"})");
    receive(a, R"({"event":"pusher:ping","data":{}})");
    context_.metrics.rest().observe(0, RestRoute::Events, 200, std::chrono::milliseconds(1));
    const auto before = context_.metrics.exposition().text();
    EXPECT_NE(before.find(R"(herald_connections{app="app-id"} 1)"), std::string::npos);
    EXPECT_NE(before.find(
                      R"(herald_rest_requests_total{app="app-id",route="events",status="200"} 1)"),
              std::string::npos);

    App next;
    next.id = "next-app";
    next.key = "next-key";
    next.secret = "next-secret";
    const auto changes = apps_.replace({next});
    ASSERT_TRUE(changes.has_value());
    const auto after = context_.metrics.exposition().text();
    EXPECT_EQ(after.find(R"(app="app-id")"), std::string::npos) << after;
    for (const auto* family :
         {"herald_connections", "herald_connections_opened_total", "herald_messages_sent_total",
          "herald_bytes_received_total", "herald_bytes_sent_total",
          "herald_slow_consumers_dropped_total", "herald_presence_members"}) {
        EXPECT_EQ(sample(std::string(family) + R"({app="next-app"})"), 0) << family;
    }
    EXPECT_EQ(sample(R"(herald_channels{app="next-app",type="presence"})"), 0);
    EXPECT_EQ(sample(R"(herald_events_published_total{app="next-app",source="rest"})"), 0);
    EXPECT_EQ(sample(R"(herald_messages_received_total{app="next-app",kind="ping"})"), 0);
    // Families without an app label stay.
    EXPECT_NE(after.find(R"(herald_handshakes_refused_total{reason="draining"} 0)"),
              std::string::npos);

    // An app that comes back finds its own series again, counts included.
    ASSERT_TRUE(apps_.replace({default_app(), next}).has_value());
    EXPECT_EQ(sample(R"(herald_connections{app="app-id"})"), 1);
    EXPECT_EQ(sample(R"(herald_presence_members{app="app-id"})"), 1);
    EXPECT_EQ(sample(R"(herald_connections{app="next-app"})"), 0);
}

TEST(CloseCodeLabel, NamesKnownCodesAndFoldsTheRest) {
    EXPECT_EQ(close_code_label(1000), "1000");
    EXPECT_EQ(close_code_label(4200), "4200");
    EXPECT_EQ(close_code_label(4009), "4009");
    EXPECT_EQ(close_code_label(1006), "none");
    EXPECT_EQ(close_code_label(1005), "none");
    EXPECT_EQ(close_code_label(0), "none");
    EXPECT_EQ(close_code_label(3999), "other");
    EXPECT_EQ(close_code_label(4002), "other");
    EXPECT_EQ(close_code_label(4999), "other");
}

}  // namespace
}  // namespace herald::server
