// bench/client_fleet.cpp
//
// The client benchmark (bench/run_client.sh): one process holding `--connections` herald::client
// connections to a `herald serve`, all subscribed to the channel "bench", on `--loops` shared
// I/O threads (client::Loop), or, with `--own-threads 1`, on one thread per Client as a Client
// without Options::loop runs. Prints, one line each:
//   memory CONNECTIONS BEFORE_KIB AFTER_KIB BYTES_PER_CONNECTION
//     VmRSS before the first Client and once every connection is subscribed;
//   server_memory CONNECTIONS BEFORE_KIB AFTER_KIB BYTES_PER_CONNECTION
//     the same of the server's process, with `--server-pid`;
//   round I MICROSECONDS
//     for each of `--rounds` events "tick" triggered through the REST API (herald::sdk): from
//     just before the request to the callback of the last connection that receives it.
// Usage: bench_client_fleet --port P --key K --app-id ID --secret S [--connections N] [--loops L]
//        [--own-threads 0|1] [--rounds R] [--server-pid PID]
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "bench/bench_support.h"

#include "herald/client/client.h"
#include "herald/sdk/client.h"

namespace {

using namespace herald;
using Clock = std::chrono::steady_clock;

constexpr std::string_view kUsage =
        "bench_client_fleet --port P --key K --app-id ID --secret S [--connections N] "
        "[--loops L] [--own-threads 0|1] [--rounds R] [--server-pid PID]";
constexpr auto kSettleTimeout = std::chrono::seconds(120);

// VmRSS of `pid` ("self" for this process), or 0.
std::size_t rss_kib(const std::string& pid = "self") {
    std::ifstream status("/proc/" + pid + "/status");
    std::string line;
    while (std::getline(status, line)) {
        if (line.starts_with("VmRSS:")) {
            return std::stoul(line.substr(6));
        }
    }
    return 0;
}

// Polls `done` every 10 ms; fails the program after kSettleTimeout.
template <class Fn>
void wait_until(Fn done, std::string_view what) {
    const auto end = Clock::now() + kSettleTimeout;
    while (!done()) {
        if (Clock::now() > end) {
            bench::fail(what, false);
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
}

struct Counters {
    std::atomic<std::size_t> subscribed{0};
    std::atomic<std::size_t> delivered{0};
    std::atomic<std::int64_t> last_delivery_ns{0};  // Clock's time of the delivery that made N
    std::size_t connections = 0;
};

}  // namespace

int main(int argc, char** argv) {
    const bench::Options args(argc, argv, kUsage);
    const auto port = static_cast<std::uint16_t>(args.count("port", 0));
    const std::string key = args.text("key", "");
    Counters counters;
    counters.connections = args.count("connections", 10000);
    const std::size_t loops = std::max<std::size_t>(1, args.count("loops", 1));
    const bool own_threads = args.count("own-threads", 0) != 0;
    const std::size_t rounds = args.count("rounds", 5);
    const std::string server_pid = args.text("server-pid", "");
    if (port == 0 || key.empty()) {
        bench::fail(kUsage, false);
    }
    bench::raise_fd_limit(counters.connections + 100);

    sdk::Options rest;
    rest.app_id = args.text("app-id", "");
    rest.key = key;
    rest.secret = args.text("secret", "");
    rest.host = "127.0.0.1";
    rest.port = port;
    rest.use_tls = false;
    sdk::Client publisher(rest);

    std::vector<std::shared_ptr<client::Loop>> shared_loops;
    if (!own_threads) {
        for (std::size_t i = 0; i < loops; ++i) {
            shared_loops.push_back(std::make_shared<client::Loop>());
        }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    const std::size_t before = rss_kib();
    const std::size_t server_before = server_pid.empty() ? 0 : rss_kib(server_pid);

    std::vector<std::unique_ptr<client::Client>> clients;
    clients.reserve(counters.connections);
    for (std::size_t i = 0; i < counters.connections; ++i) {
        client::Options options;
        options.key = key;
        options.port = port;
        options.timeouts.first_backoff = std::chrono::milliseconds(200);
        if (!own_threads) {
            options.loop = shared_loops[i % loops];
        }
        auto& c = *clients.emplace_back(std::make_unique<client::Client>(std::move(options)));
        auto channel = c.subscribe("bench");
        channel.bind("pusher:subscription_succeeded",
                     [&counters](const client::Event&) { ++counters.subscribed; });
        channel.bind("tick", [&counters](const client::Event&) {
            if (++counters.delivered % counters.connections == 0) {
                counters.last_delivery_ns = Clock::now().time_since_epoch().count();
            }
        });
        c.connect();
        if (i % 500 == 499) {
            // The server's accept queue is finite: let each batch's handshakes through.
            wait_until([&] { return counters.subscribed + 250 > i; }, "connections did not settle");
        }
    }
    wait_until([&] { return counters.subscribed >= counters.connections; },
               "not every connection subscribed");
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    const std::size_t after = rss_kib();
    std::printf("memory %zu %zu %zu %zu\n", counters.connections, before, after,
                (after - before) * 1024 / counters.connections);
    if (!server_pid.empty()) {
        const std::size_t server_after = rss_kib(server_pid);
        std::printf("server_memory %zu %zu %zu %zu\n", counters.connections, server_before,
                    server_after, (server_after - server_before) * 1024 / counters.connections);
    }
    std::fflush(stdout);

    for (std::size_t round = 1; round <= rounds; ++round) {
        const std::size_t target = round * counters.connections;
        const auto start = Clock::now();
        publisher.trigger("bench", "tick", "{}");
        wait_until([&] { return counters.delivered >= target; }, "an event was not delivered");
        const auto end = Clock::time_point(Clock::duration(counters.last_delivery_ns.load()));
        std::printf("round %zu %lld\n", round,
                    static_cast<long long>(
                            std::chrono::duration_cast<std::chrono::microseconds>(end - start)
                                    .count()));
        std::fflush(stdout);
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    clients.clear();
    return 0;
}
