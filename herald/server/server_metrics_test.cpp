// The server's counters through real connections and the real hub (on the test thread), read
// back from the text exposition GET /metrics answers.
#include "herald/server/server_metrics.h"

#include <string>

#include <gtest/gtest.h>

#include "herald/server/hub_fixture.h"

namespace herald::server {
namespace {

class ServerMetricsTest : public hub_testing::HubFixture {
protected:
    // The value of the sample whose line starts with `series` + " ", or -1 when there is none.
    double sample(const std::string& series) const {
        const auto text = context_.metrics.exposition().text();
        const auto at = text.find("\n" + series + " ");
        if (at == std::string::npos) {
            return -1;
        }
        return std::stod(text.substr(at + series.size() + 2));
    }
};

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
