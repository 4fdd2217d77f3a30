// herald/net/listener_test.cpp
#include "herald/net/listener.h"

#include <atomic>
#include <stdexcept>
#include <string>
#include <vector>

#include <boost/asio/connect.hpp>
#include <gtest/gtest.h>

#include "herald/net/testing.h"

namespace herald::net {
namespace {

using boost::asio::ip::tcp;
using testing::eventually;

bool can_connect(const boost::asio::ip::address& address, std::uint16_t port) {
    boost::asio::io_context io;
    tcp::socket socket(io);
    boost::system::error_code error;
    socket.connect(tcp::endpoint(address, port), error);
    return !error;
}

TEST(Listener, PortZeroBindsEveryWorkerToOnePortAndTheKernelSpreadsConnections) {
    WorkerPool pool(2);
    pool.start();
    std::atomic<int> per_worker[2] = {0, 0};
    Listener listener(pool, ListenOptions{},
                      [&](Worker& worker, Socket) { ++per_worker[worker.index()]; });
    listener.start();
    ASSERT_NE(listener.port(), 0);
    constexpr int kConnections = 40;
    for (int i = 0; i < kConnections; ++i) {
        ASSERT_TRUE(can_connect(listener.address(), listener.port()));
    }
    EXPECT_TRUE(eventually([&] { return per_worker[0] + per_worker[1] == kConnections; }));
    EXPECT_GT(per_worker[0], 0);
    EXPECT_GT(per_worker[1], 0);
}

TEST(Listener, AcceptsOnIpv6Loopback) {
    WorkerPool pool(1);
    pool.start();
    std::atomic<int> accepted{0};
    std::unique_ptr<Listener> listener;
    try {
        listener = std::make_unique<Listener>(pool, ListenOptions{"::1", 0, 16},
                                              [&](Worker&, Socket) { ++accepted; });
    } catch (const std::exception& e) {
        GTEST_SKIP() << "no IPv6 loopback here: " << e.what();
    }
    listener->start();
    EXPECT_TRUE(listener->address().is_v6());
    ASSERT_TRUE(can_connect(listener->address(), listener->port()));
    EXPECT_TRUE(eventually([&] { return accepted == 1; }));
}

TEST(Listener, StopClosesEveryListeningSocket) {
    WorkerPool pool(2);
    pool.start();
    Listener listener(pool, ListenOptions{}, [](Worker&, Socket) {});
    listener.start();
    ASSERT_TRUE(can_connect(listener.address(), listener.port()));
    listener.stop();
    EXPECT_FALSE(can_connect(listener.address(), listener.port()));
}

TEST(Listener, RefusesAnUnknownHost) {
    WorkerPool pool(1);
    EXPECT_THROW(
            Listener(pool, ListenOptions{"no-such-host.invalid", 0, 16}, [](Worker&, Socket) {}),
            std::runtime_error);
}

TEST(Listener, RefusesAPortInUseByAnotherListenerWithoutReusePort) {
    boost::asio::io_context io;
    tcp::acceptor taken(io, tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0));
    WorkerPool pool(1);
    EXPECT_THROW(Listener(pool, ListenOptions{"127.0.0.1", taken.local_endpoint().port(), 16},
                          [](Worker&, Socket) {}),
                 std::runtime_error);
}

TEST(Listener, RefusesAPortAnotherReusePortListenerHolds) {
    WorkerPool first_pool(2);
    Listener first(first_pool, ListenOptions{"127.0.0.1", 0, 16}, [](Worker&, Socket) {});
    WorkerPool second_pool(1);
    try {
        Listener second(second_pool, ListenOptions{"127.0.0.1", first.port(), 16},
                        [](Worker&, Socket) {});
        ADD_FAILURE() << "a second listener joined port " << first.port();
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("127.0.0.1:" + std::to_string(first.port())),
                  std::string::npos)
                << e.what();
    }
}

TEST(Listener, BindsAnExplicitPortAgainOnceItIsFree) {
    std::uint16_t port = 0;
    {
        WorkerPool pool(1);
        Listener listener(pool, ListenOptions{"127.0.0.1", 0, 16}, [](Worker&, Socket) {});
        port = listener.port();
    }
    WorkerPool pool(2);
    Listener again(pool, ListenOptions{"127.0.0.1", port, 16}, [](Worker&, Socket) {});
    EXPECT_EQ(again.port(), port);
}

}  // namespace
}  // namespace herald::net
