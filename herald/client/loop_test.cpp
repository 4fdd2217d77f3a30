// Clients sharing one client::Loop (Options::loop) against the real `herald serve`: their
// callbacks run on the one thread, a callback may call another Client of the Loop, Clients come
// and go while the others keep working, and the Loop lives as long as a Client uses it.
#include "herald/client/loop.h"

#include <atomic>
#include <memory>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "herald/client/client.h"
#include "herald/client/herald_server.h"

namespace herald::client {
namespace {

using namespace std::chrono_literals;
using testing::eventually;
using testing::HeraldServer;

constexpr std::size_t kClients = 20;

TEST(ClientLoop, ClientsShareOneThreadAndComeAndGo) {
    if (testing::herald_binary().empty()) {
        GTEST_SKIP() << "no herald binary: build the target herald or set HERALD_BINARY";
    }
    HeraldServer server;
    auto loop = std::make_shared<Loop>();
    std::vector<std::unique_ptr<Client>> clients;
    std::atomic<std::size_t> subscribed{0};
    std::atomic<std::size_t> delivered{0};
    std::mutex mutex;
    std::set<std::thread::id> threads;
    for (std::size_t i = 0; i < kClients; ++i) {
        Options options;
        options.key = std::string(testing::kKey);
        options.port = server.port();
        options.loop = loop;
        auto& client = *clients.emplace_back(std::make_unique<Client>(std::move(options)));
        auto news = client.subscribe("news");
        news.bind("pusher:subscription_succeeded", [&](const Event&) { ++subscribed; });
        news.bind("update", [&](const Event&) {
            ++delivered;
            const std::lock_guard lock(mutex);
            threads.insert(std::this_thread::get_id());
        });
        client.connect();
    }
    // A callback of one Client calls another of the same Loop: it runs at once, on that thread.
    std::atomic<int> neighbour_state{-1};
    Client& neighbour = *clients[1];
    clients.front()->channel("news").bind(
            "update", [&](const Event&) { neighbour_state = static_cast<int>(neighbour.state()); });
    ASSERT_TRUE(eventually([&] { return subscribed.load() == kClients; }));
    ASSERT_EQ(server.trigger("news", "update", "1"), 200);
    ASSERT_TRUE(eventually([&] { return delivered.load() == kClients; }));
    EXPECT_EQ(neighbour_state.load(), static_cast<int>(State::Connected));
    {
        const std::lock_guard lock(mutex);
        ASSERT_EQ(threads.size(), 1U);
        EXPECT_NE(*threads.begin(), std::this_thread::get_id());
    }

    // Half of them go; the others keep the Loop (the application lets its own reference go).
    clients.resize(kClients / 2);
    loop.reset();
    ASSERT_EQ(server.trigger("news", "update", "2"), 200);
    ASSERT_TRUE(eventually([&] { return delivered.load() == kClients + kClients / 2; }));
    std::this_thread::sleep_for(100ms);
    EXPECT_EQ(delivered.load(), kClients + kClients / 2);  // nothing from the ones destroyed
    clients.clear();  // the last Client stops the Loop's thread
}

}  // namespace
}  // namespace herald::client
