// The hub's operations called directly, with real connections on two workers whose posted
// deliveries run on the test thread (run_posted): what each operation answers and what it sends.
#include "herald/server/hub.h"

#include <algorithm>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "herald/server/hub_fixture.h"

namespace herald::server {
namespace {

// A subscription the test holds for one connection, left again when it goes out of scope.
class Held {
public:
    Held(Hub& hub, Connection& connection, std::size_t worker, std::string channel)
        : hub_(hub), worker_(worker), subscription_(&connection, std::move(channel)) {}

    ~Held() {
        if (linked_) {
            hub_.unsubscribe(0, worker_, subscription_);
        }
    }

    Held(const Held&) = delete;
    Held& operator=(const Held&) = delete;

    SubscribeOutcome subscribe(const pusher::Member* member = nullptr) {
        auto outcome = hub_.subscribe(0, worker_, subscription_, member);
        linked_ = !outcome.refused;
        return outcome;
    }

    UnsubscribeOutcome unsubscribe() {
        linked_ = false;
        return hub_.unsubscribe(0, worker_, subscription_);
    }

    SignInOutcome sign_in(const ConnectionRef& ref, const pusher::User& user) {
        linked_ = true;
        return hub_.sign_in(0, ref, subscription_, user);
    }

    [[nodiscard]] const Subscription& subscription() const { return subscription_; }

private:
    Hub& hub_;
    std::size_t worker_;
    Subscription subscription_;
    bool linked_ = false;
};

class HubTest : public hub_testing::HubFixture {
protected:
    explicit HubTest(App app = default_app()) : HubFixture(std::move(app)) {
        hub_.set_events(&recorder_);
    }

    ~HubTest() override { hub_.set_events(nullptr); }

    HubTest(const HubTest&) = delete;
    HubTest& operator=(const HubTest&) = delete;

    // A connection on `worker`, its connection_established already taken.
    std::size_t client(std::size_t worker) {
        const auto c = connect(worker);
        take(c);
        return c;
    }

    Held hold(std::size_t c, std::size_t worker, std::string channel) {
        return Held(hub_, *connections_[c], worker, std::move(channel));
    }

    ConnectionRef ref(std::size_t c, std::size_t worker) {
        return ConnectionRef{worker, connections_[c], connections_[c].get()};
    }

    const std::string& socket_id(std::size_t c) const { return connections_[c]->socket_id(); }

    std::vector<std::string> take_events() { return std::exchange(recorder_.seen, {}); }

    hub_testing::Recorder recorder_;
};

TEST_F(HubTest, SubscribeAndUnsubscribeCountThisNodesSubscriptions) {
    const auto a = client(0);
    const auto b = client(1);
    auto in_a = hold(a, 0, "news");
    auto in_b = hold(b, 1, "news");
    const auto first = in_a.subscribe();
    EXPECT_FALSE(first.refused);
    EXPECT_FALSE(first.member_added);
    EXPECT_EQ(first.subscriptions, 1U);
    EXPECT_TRUE(first.roster.empty());
    EXPECT_FALSE(first.cache);
    EXPECT_EQ(in_b.subscribe().subscriptions, 2U);
    EXPECT_EQ(hub_.subscriptions_on_this_node(0, "news"), 2U);
    EXPECT_EQ(take_events(), std::vector<std::string>{"occupied news"});

    hub_.deliver_on_this_node(0, "news", "m", socket_id(b));
    run_posted();
    EXPECT_EQ(take(a), std::vector<std::string>{"m"});
    EXPECT_TRUE(take(b).empty()) << "excluded";

    const auto left = in_a.unsubscribe();
    EXPECT_FALSE(left.member_removed);
    EXPECT_EQ(left.subscriptions, 1U);
    hub_.deliver_on_this_node(0, "news", "n");
    run_posted();
    EXPECT_TRUE(take(a).empty()) << "unsubscribed";
    EXPECT_EQ(take(b), std::vector<std::string>{"n"});
    EXPECT_EQ(in_b.unsubscribe().subscriptions, 0U);
    EXPECT_EQ(hub_.subscriptions_on_this_node(0, "news"), 0U);
    EXPECT_EQ(take_events(), std::vector<std::string>{"vacated news"});
}

TEST_F(HubTest, ALoneBroadcastIsWrittenAtOnceAndABurstAtTheEndOfTheTurn) {
    const auto a = client(0);
    auto in_a = hold(a, 0, "news");
    in_a.subscribe();
    take(a);
    wires_[a]->broadcast_flushes.clear();

    hub_.deliver_on_this_node(0, "news", "alone");
    run_posted();
    EXPECT_EQ(take(a), std::vector<std::string>{"alone"});
    EXPECT_EQ(wires_[a]->broadcast_flushes, std::vector<Flush>{Flush::Now});

    // Three arrive before the worker runs (a batch trigger): one gathered write for them all.
    wires_[a]->broadcast_flushes.clear();
    hub_.deliver_on_this_node(0, "news", "one");
    hub_.deliver_on_this_node(0, "news", "two");
    hub_.deliver_on_this_node(0, "news", "three");
    run_posted();
    EXPECT_EQ(take(a), (std::vector<std::string>{"one", "two", "three"}));
    EXPECT_EQ(wires_[a]->broadcast_flushes, std::vector<Flush>(3, Flush::EndOfTurn));
}

TEST_F(HubTest, DecidesPresenceMembersAndRefusesANewUserOfAFullChannel) {
    const auto ann = client(0);
    const auto ann2 = client(1);
    const auto bob = client(1);
    const auto cid = client(0);
    const pusher::Member ann_member{"1", R"({"name":"Ann"})"};
    const pusher::Member bob_member{"2", "{}"};
    const pusher::Member cid_member{"3", "{}"};
    auto in_ann = hold(ann, 0, "presence-room");
    auto in_ann2 = hold(ann2, 1, "presence-room");
    auto in_bob = hold(bob, 1, "presence-room");
    auto in_cid = hold(cid, 0, "presence-room");

    const auto first = in_ann.subscribe(&ann_member);
    EXPECT_TRUE(first.member_added);
    EXPECT_EQ(first.roster, std::vector<pusher::Member>{ann_member});
    EXPECT_EQ(in_ann.subscription().user_id, "1");
    const auto second_tab = in_ann2.subscribe(&ann_member);
    EXPECT_FALSE(second_tab.member_added);
    EXPECT_EQ(second_tab.roster.size(), 1U);
    const auto with_bob = in_bob.subscribe(&bob_member);
    EXPECT_TRUE(with_bob.member_added);
    EXPECT_EQ(with_bob.roster, (std::vector<pusher::Member>{ann_member, bob_member}));
    run_posted();
    EXPECT_TRUE(has(take(ann), R"(member_added","channel":"presence-room")"));
    EXPECT_TRUE(take(bob).empty()) << "a joining member is not told of itself";

    EXPECT_TRUE(in_cid.subscribe(&cid_member).refused);
    EXPECT_EQ(hub_.subscriptions_on_this_node(0, "presence-room"), 3U) << "nothing changed";
    EXPECT_FALSE(hub_.member_on_this_node(0, "presence-room", "3"));
    EXPECT_EQ(hub_.member_on_this_node(0, "presence-room", "1"), R"({"name":"Ann"})");
    EXPECT_EQ(take_events(),
              (std::vector<std::string>{"occupied presence-room", "added presence-room 1",
                                        "added presence-room 2"}));

    EXPECT_FALSE(in_ann.unsubscribe().member_removed) << "user 1 has another connection";
    EXPECT_TRUE(in_ann2.unsubscribe().member_removed);
    run_posted();
    EXPECT_TRUE(has(take(bob), R"(member_removed","channel":"presence-room")"));
    EXPECT_EQ(take_events(), std::vector<std::string>{"removed presence-room 1"});
}

TEST_F(HubTest, AnswersTheCachedEventOrReportsAMiss) {
    const auto a = client(0);
    const auto b = client(1);
    auto in_a = hold(a, 0, "cache-weather");
    EXPECT_FALSE(in_a.subscribe().cache);
    EXPECT_EQ(take_events(),
              (std::vector<std::string>{"occupied cache-weather", "miss cache-weather"}));
    hub_.publish_everywhere(app(), Publication{"cache-weather", "forecast", "sunny", {}, {}});
    run_posted();
    EXPECT_EQ(take(a), std::vector<std::string>{
                               R"({"event":"forecast","channel":"cache-weather","data":"sunny"})"});
    auto in_b = hold(b, 1, "cache-weather");
    EXPECT_EQ(in_b.subscribe().cache, (CachedEvent{"forecast", "sunny"}));
    EXPECT_TRUE(take_events().empty());
}

TEST_F(HubTest, DeliversAnotherNodesPublicationAndRemembersItsCachedEvent) {
    const auto a = client(0);
    const auto b = client(1);
    auto in_a = hold(a, 0, "cache-x");
    auto in_b = hold(b, 1, "cache-x");
    in_a.subscribe();
    in_b.subscribe();
    hub_.deliver_from_cluster(
            cluster::Event{app().id, "cache-x", "payload", socket_id(b), "ev", "data"});
    hub_.deliver_from_cluster(cluster::Event{"other-app", "cache-x", "nope", {}, {}, {}});
    run_posted();
    EXPECT_EQ(take(a), std::vector<std::string>{"payload"});
    EXPECT_TRUE(take(b).empty());
    EXPECT_EQ(hub_.channel(app(), "cache-x").cache, (CachedEvent{"ev", "data"}));
}

TEST_F(HubTest, SignsInAndOutTellingWatchersOnce) {
    const auto watcher = client(0);
    const auto user = client(1);
    const auto user2 = client(0);
    const pusher::User watching{"w", "{}", {"u", "v"}, false};
    const pusher::User u{"u", "{}", {}, false};
    auto w_channel = hold(watcher, 0, "#server-to-user-w");
    auto u_channel = hold(user, 1, "#server-to-user-u");
    auto u2_channel = hold(user2, 0, "#server-to-user-u");

    const auto signed_in = w_channel.sign_in(ref(watcher, 0), watching);
    EXPECT_TRUE(signed_in.first);
    EXPECT_TRUE(signed_in.online.empty());
    EXPECT_EQ(signed_in.offline, (std::vector<std::string>{"u", "v"}));
    EXPECT_TRUE(u_channel.sign_in(ref(user, 1), u).first);
    EXPECT_FALSE(u2_channel.sign_in(ref(user2, 0), u).first);
    run_posted();
    EXPECT_EQ(
            take(watcher),
            std::vector<std::string>{
                    R"({"event":"pusher_internal:watchlist_events","data":{"events":[{"name":"online","user_ids":["u"]}]}})"});

    hub_.publish_everywhere(app(), Publication{"#server-to-user-u", "note", "hi", {}, {}});
    run_posted();
    EXPECT_TRUE(has(take(user), R"("event":"note")"));
    EXPECT_TRUE(has(take(user2), R"("event":"note")"));

    EXPECT_FALSE(hub_.sign_out(0, connections_[user].get(), u).last);
    EXPECT_TRUE(hub_.sign_out(0, connections_[user2].get(), u).last);
    run_posted();
    EXPECT_TRUE(has(take(watcher), R"("name":"offline","user_ids":["u"])"));
    hub_.sign_out(0, connections_[watcher].get(), watching);
}

TEST_F(HubTest, TerminatesTheSignedInConnectionsOfAUserOnThisNode) {
    const auto user = client(1);
    const auto other = client(1);
    const pusher::User u{"u", "{}", {}, false};
    auto u_channel = hold(user, 1, "#server-to-user-u");
    u_channel.sign_in(ref(user, 1), u);
    hub_.terminate_on_this_node(0, "u");
    run_posted();
    EXPECT_EQ(wires_[user]->close_code, 4009);
    EXPECT_EQ(wires_[other]->close_code, 0);
    hub_.sign_out(0, connections_[user].get(), u);
}

TEST_F(HubTest, RelaysAClientEventToEveryoneButItsSender) {
    const auto a = client(0);
    const auto b = client(1);
    const pusher::Member ann{"ann", "{}"};
    const pusher::Member bob{"bob", "{}"};
    auto in_a = hold(a, 0, "presence-chat");
    auto in_b = hold(b, 1, "presence-chat");
    in_a.subscribe(&ann);
    in_b.subscribe(&bob);
    run_posted();
    take(a), take(b), take_events();
    hub_.relay_client_event(
            0, pusher::ClientEvent{"client-typing", "presence-chat", pusher::EventData::json("1")},
            socket_id(a), in_a.subscription().user_id);
    run_posted();
    EXPECT_TRUE(take(a).empty());
    EXPECT_EQ(
            take(b),
            std::vector<std::string>{
                    R"({"event":"client-typing","channel":"presence-chat","data":1,"user_id":"ann"})"});
    EXPECT_EQ(take_events(),
              std::vector<std::string>{"client presence-chat client-typing 1 sid ann"});
}

TEST_F(HubTest, LeavesOccupancyAndMemberEventsToTheClusterOnRequest) {
    hub_.leave_occupancy_events_to_cluster();
    const auto a = client(0);
    const pusher::Member ann{"ann", "{}"};
    auto presence = hold(a, 0, "presence-p");
    auto cache = hold(a, 0, "cache-c");
    presence.subscribe(&ann);
    cache.subscribe();
    presence.unsubscribe();
    cache.unsubscribe();
    EXPECT_EQ(take_events(), std::vector<std::string>{"miss cache-c"})
            << "cache misses are still this node's to report";
}

TEST_F(HubTest, ListsThisNodesChannelsForTheCluster) {
    const auto a = client(0);
    const auto b = client(1);
    const pusher::Member bob{"bob", R"({"x":1})"};
    auto news = hold(a, 0, "news");
    auto news_b = hold(b, 1, "news");
    auto room = hold(b, 1, "presence-room");
    news.subscribe();
    news_b.subscribe();
    room.subscribe(&bob);
    auto channels = hub_.channels_on_this_node();
    std::sort(channels.begin(), channels.end(),
              [](const auto& x, const auto& y) { return x.channel < y.channel; });
    ASSERT_EQ(channels.size(), 2U);
    EXPECT_EQ(channels[0].channel, "news");
    EXPECT_EQ(channels[0].subscriptions, 2U);
    EXPECT_TRUE(channels[0].members.empty());
    EXPECT_EQ(channels[1].channel, "presence-room");
    EXPECT_EQ(channels[1].members, std::vector<pusher::Member>{bob});
}

class HubCountTest : public HubTest {
protected:
    HubCountTest() : HubTest(counting_app()) {}

    static App counting_app() {
        auto app = default_app();
        app.subscription_count_events = true;
        return app;
    }
};

TEST_F(HubCountTest, SubscribeAndUnsubscribeTellTheNewCountExceptOnPresenceChannels) {
    const auto a = client(0);
    const auto b = client(1);
    auto in_a = hold(a, 0, "news");
    auto in_b = hold(b, 1, "news");
    in_a.subscribe();
    run_posted();
    EXPECT_TRUE(has(take(a), R"("subscription_count":1)"));
    in_b.subscribe();
    run_posted();
    EXPECT_TRUE(has(take(a), R"("subscription_count":2)"));
    EXPECT_TRUE(has(take(b), R"("subscription_count":2)"));
    in_a.unsubscribe();
    run_posted();
    EXPECT_TRUE(has(take(b), R"("subscription_count":1)"));
    EXPECT_EQ(take_events(), (std::vector<std::string>{"occupied news", "count news 1",
                                                       "count news 2", "count news 1"}));

    const pusher::Member ann{"ann", "{}"};
    auto presence = hold(a, 0, "presence-p");
    presence.subscribe(&ann);
    run_posted();
    EXPECT_FALSE(has(take(a), "subscription_count"));
}

}  // namespace
}  // namespace herald::server
