// One Client used from many threads at once against the real `herald serve`, for
// ThreadSanitizer (label threads): eight threads subscribe, unsubscribe, bind, unbind, trigger
// client events and read members, state and socket ids, while the callbacks call public methods
// too; then the client must still work and be destroyed cleanly. A second case destroys a client
// while threads still call through its Channel handles: every call returns.
#include <array>
#include <atomic>
#include <chrono>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "herald/client/client.h"
#include "herald/client/herald_server.h"
#include "herald/pusher/auth.h"

namespace herald::client {
namespace {

using namespace std::chrono_literals;
using testing::eventually;
using testing::HeraldServer;

constexpr int kThreads = 8;
constexpr auto kStressTime = 1500ms;
constexpr std::array<std::string_view, 6> kChannels = {"stress-a",          "stress-b",
                                                       "private-stress-a",  "private-stress-b",
                                                       "presence-stress-a", "presence-stress-b"};
constexpr std::string_view kChannelData = R"({"user_id":"u1","user_info":{}})";

Options stress_options(const HeraldServer& server) {
    Options options;
    options.key = std::string(testing::kKey);
    options.port = server.port();
    options.timeouts.first_backoff = 50ms;
    options.timeouts.max_backoff = 200ms;
    // Signs like an application server (protocol.md §7.2, §7.3); every presence member is u1.
    options.authorizer = [](std::string_view socket_id, std::string_view channel) -> AuthResult {
        if (!channel.starts_with("presence-")) {
            return R"({"auth":")" +
                   pusher::channel_auth(testing::kKey, testing::kSecret, socket_id, channel) +
                   "\"}";
        }
        return R"({"auth":")" +
               pusher::channel_auth(testing::kKey, testing::kSecret, socket_id, channel,
                                    std::string(kChannelData)) +
               R"(","channel_data":"{\"user_id\":\"u1\",\"user_info\":{}}"})";
    };
    return options;
}

class ClientStress : public ::testing::Test {
protected:
    void SetUp() override {
        if (testing::herald_binary().empty()) {
            GTEST_SKIP() << "no herald binary: build the target herald or set HERALD_BINARY";
        }
    }
};

// What one thread does on each turn, chosen by its own random numbers.
void one_call(Client& client, std::mt19937& random, std::vector<BindingId>& bound,
              std::atomic<int>& callbacks) {
    const std::string name(kChannels[random() % kChannels.size()]);
    switch (random() % 9) {
        case 0:
        case 1: {
            auto channel = client.subscribe(name);
            // The callback calls back into the client, on the I/O thread.
            bound.push_back(channel.bind(
                    "pusher:subscription_succeeded", [&client, &callbacks, name](const Event&) {
                        ++callbacks;
                        auto same = client.channel(name);
                        (void)same.members().count();
                        (void)same.trigger("client-hello", "{}");
                        (void)client.state();
                        client.unbind(same.bind("client-hello", [](const Event&) {}));
                    }));
            break;
        }
        case 2:
            client.unsubscribe(name);
            break;
        case 3:
            if (!bound.empty()) {
                client.channel(name).unbind(bound.back());
                client.unbind(bound.back());
                bound.pop_back();
            }
            break;
        case 4:
            (void)client.trigger(name, "client-stress", R"({"n":1})");
            break;
        case 5: {
            const auto members = client.channel(name).members();
            (void)members.me();
            (void)members.all();
            break;
        }
        case 6:
            (void)client.state();
            (void)client.socket_id();
            (void)client.channel(name).subscribed();
            break;
        case 7:
            client.unbind(client.bind_global([&callbacks](const Event&) { ++callbacks; }));
            break;
        default:
            std::this_thread::sleep_for(1ms);  // lets the I/O thread catch up now and then
            break;
    }
}

TEST_F(ClientStress, EightThreadsCallEveryMethodWhileCallbacksCallThemToo) {
    HeraldServer server;
    auto owned = std::make_unique<Client>(stress_options(server));
    Client& client = *owned;  // the callbacks use it until the destructor's last task
    std::atomic<int> callbacks{0};
    std::atomic<int> events{0};
    client.on_state_change([&](State, State) {
        ++callbacks;
        (void)client.socket_id();
    });
    client.bind_global([&](const Event& event) {
        ++events;
        (void)client.channel(event.channel).subscribed();
    });
    client.connect();
    ASSERT_TRUE(eventually([&] { return client.state() == State::Connected; }));

    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&client, &callbacks, t] {
            std::mt19937 random(static_cast<unsigned>(t));
            std::vector<BindingId> bound;
            const auto end = std::chrono::steady_clock::now() + kStressTime;
            while (std::chrono::steady_clock::now() < end) {
                one_call(client, random, bound, callbacks);
            }
        });
    }
    for (auto& thread : threads) {
        thread.join();
    }
    EXPECT_GT(callbacks.load(), 0);
    EXPECT_GT(events.load(), 0);

    // Still a working client: subscriptions, members and REST events as usual.
    auto room = client.subscribe("presence-stress-a");
    auto last = client.subscribe("stress-last");
    std::atomic<int> received{0};
    last.bind("done", [&](const Event&) { ++received; });
    ASSERT_TRUE(eventually([&] {
        return client.state() == State::Connected && room.subscribed() && last.subscribed();
    }));
    EXPECT_EQ(room.members().me(), "u1");
    EXPECT_EQ(room.members().count(), 1U);
    ASSERT_EQ(server.trigger("stress-last", "done", "{}"), 200);
    ASSERT_TRUE(eventually([&] { return received.load() == 1; }));
    owned.reset();  // disconnects and stops while the callbacks above are still bound
    EXPECT_FALSE(last.subscribed());
}

TEST_F(ClientStress, DestroyingAClientWhileThreadsUseItsChannelsReturnsEveryCall) {
    HeraldServer server;
    auto owned = std::make_unique<Client>(stress_options(server));
    auto channel = owned->subscribe("private-stress-a");
    owned->connect();
    ASSERT_TRUE(eventually([&] { return channel.subscribed(); }));

    std::atomic<bool> go{true};
    std::atomic<int> calls{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads / 2; ++t) {
        threads.emplace_back([&go, &calls, channel] {
            auto mine = channel;  // a copy of the handle, as an application would keep one
            while (go) {
                (void)mine.subscribed();
                (void)mine.members();
                (void)mine.trigger("client-x", "{}");
                mine.unbind(mine.bind("client-x", [](const Event&) {}));
                ++calls;
            }
        });
    }
    ASSERT_TRUE(eventually([&] { return calls.load() > 100; }));
    owned.reset();
    const int at_stop = calls.load();
    ASSERT_TRUE(eventually([&] { return calls.load() > at_stop + 100; }));  // nothing hangs
    go = false;
    for (auto& thread : threads) {
        thread.join();
    }
    EXPECT_FALSE(channel.subscribed());
    EXPECT_FALSE(channel.trigger("client-x", "{}"));
}

}  // namespace
}  // namespace herald::client
