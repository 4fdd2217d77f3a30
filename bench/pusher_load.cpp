// bench/pusher_load.cpp
//
// The load side of the Pusher server benchmark (docs/BENCHMARKS.md), one thread on raw epoll:
// N subscribers (bench/subscribers.h, at most --in-flight handshakes at a time so the server's
// accept queue never overflows) and, against herald serve, the REST publisher
// (bench/pusher_publisher.h). Announces "ready N" once every subscriber is subscribed, then:
//   --mode count    delivered messages per second over a window after a warm-up. The publisher
//                   keeps --window events triggered but not yet delivered to every subscriber,
//                   so the server always has the next event when it finishes one.
//   --mode latency  the publisher triggers --rate events per second, each stamped with the steady
//                   clock when its request is built; every subscriber takes arrival minus stamp;
//                   prints p50/p90/p99/max over the events stamped inside the window. Against the
//                   ceiling (--protocol raw) the server paces and stamps its own rounds, unless
//                   it runs with --triggered and this with --publish 1: then the publisher's
//                   requests start its rounds, as they start Herald's.
//   --mode idle     holds the subscribed connections until --hold seconds pass or SIGTERM.
//   --mode handshakes  opens the connections without subscribing and prints how many reached
//                   pusher:connection_established per second, from the first connect to the last
//                   one (and the server's CPU seconds per handshake with --server-pid). With
//                   --app-keys-file, connection i uses the file's key i (keys taken in turn).
// Owner: the program's one thread.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <limits>
#include <memory>
#include <string>
#include <string_view>

#include "bench/bench_support.h"
#include "bench/pusher_publisher.h"
#include "bench/subscribers.h"
#include <sys/epoll.h>

namespace herald::bench {
namespace {

constexpr std::string_view kUsage =
        "bench_pusher_load --port P [--host 127.0.0.1] [--protocol pusher|raw]\n"
        "                  [--mode count|latency|idle|handshakes] [--connections 5000]\n"
        "                  [--app-keys-file FILE] [--warmup 1]\n"
        "                  [--duration 3] [--hold 60] [--window 2] [--rate EVENTS_PER_SEC]\n"
        "                  [--batch 1] [--requests-in-flight 8] [--message-bytes 100]\n"
        "                  [--app-id ID --app-key KEY --app-secret SECRET] [--in-flight 256]\n"
        "                  [--connect-timeout 30] [--drain 2] [--server-pid PID]\n"
        "                  [--publish 1] (raw: publish to a bench_ceiling --triggered)\n"
        "                  [--subscriber-ports P1,P2,...] (subscribers spread over cluster nodes)\n"
        "                  [--channels 1] (over 1: subscribers spread over bench-0 ... bench-K)";

SubscriberOptions subscriber_options(const Options& options) {
    SubscriberOptions result;
    result.host = options.text("host", "127.0.0.1");
    result.port = static_cast<std::uint16_t>(options.count("port", 0));
    result.protocol =
            options.text("protocol", "pusher") == "raw" ? Protocol::Raw : Protocol::Pusher;
    result.app_key = options.text("app-key", "");
    if (result.port == 0 || (result.protocol == Protocol::Pusher && result.app_key.empty())) {
        fail(kUsage, false);
    }
    result.channels = std::max<std::size_t>(1, options.count("channels", 1));
    result.subscribe = options.text("mode", "count") != "handshakes";
    const auto keys_file = options.text("app-keys-file", "");
    if (!keys_file.empty()) {
        std::ifstream keys(keys_file);
        for (std::string key; std::getline(keys, key);) {
            if (!key.empty()) {
                result.more_keys.push_back(key);
            }
        }
        if (result.more_keys.empty()) {
            fail("no keys in " + keys_file, false);
        }
    }
    auto ports = options.text("subscriber-ports", "");
    for (std::size_t start = 0; start < ports.size();) {
        const auto comma = std::min(ports.find(',', start), ports.size());
        result.spread.push_back(
                static_cast<std::uint16_t>(std::stoul(ports.substr(start, comma - start))));
        start = comma + 1;
    }
    return result;
}

std::unique_ptr<Publisher> make_publisher(const Options& options, int epoll) {
    PublisherOptions result;
    result.host = options.text("host", "127.0.0.1");
    result.port = static_cast<std::uint16_t>(options.count("port", 0));
    result.app_id = options.text("app-id", "");
    result.app_key = options.text("app-key", "");
    result.app_secret = options.text("app-secret", "");
    result.message_bytes = options.count("message-bytes", result.message_bytes);
    result.batch = std::clamp<std::size_t>(options.count("batch", 1), 1, 10);
    result.max_in_flight = options.count("requests-in-flight", result.max_in_flight);
    if (result.app_id.empty() || result.app_secret.empty()) {
        fail(kUsage, false);
    }
    return std::make_unique<Publisher>(std::move(result), epoll);
}

double percentile(const std::vector<std::uint64_t>& sorted, double q) {
    const auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(sorted.size())));
    return static_cast<double>(sorted[std::clamp<std::size_t>(rank, 1, sorted.size()) - 1]);
}

class Load {
public:
    Load(const Options& options, int epoll)
        : epoll_(epoll),
          wanted_(options.count("connections", 5000)),
          in_flight_(options.count("in-flight", 256)),
          window_(std::max<std::size_t>(1, options.count("window", 2))),
          rate_(options.seconds("rate", 0)),
          drain_(options.seconds("drain", 2)),
          connect_timeout_(options.seconds("connect-timeout", 30)),
          server_pid_(options.count("server-pid", 0)),
          subscribers_(subscriber_options(options), epoll, wanted_) {
        const auto mode = options.text("mode", "count");
        // Against the ceiling, only a triggered one (bench_ceiling --triggered) takes requests.
        if ((subscriber_options(options).protocol == Protocol::Pusher ||
             options.count("publish", 0) != 0) &&
            mode != "idle" && mode != "handshakes") {
            publisher_ = make_publisher(options, epoll);
        }
    }

    void connect_all() {
        const auto deadline = Clock::now() + std::chrono::duration<double>(connect_timeout_);
        while (subscribers_.open() < wanted_) {
            while (subscribers_.started() < wanted_ &&
                   subscribers_.started() - subscribers_.open() < in_flight_) {
                subscribers_.start_connect();
            }
            poll(100);
            if (Clock::now() > deadline || stop_requested()) {
                fail("subscribed " + std::to_string(subscribers_.open()) + " of " +
                             std::to_string(wanted_) + " before the deadline",
                     false);
            }
        }
        announce("ready " + std::to_string(subscribers_.open()));
    }

    // connect_all, timed: the handshakes per second of one batch of `wanted_` connections.
    void handshakes() {
        const double cpu_before = process_cpu_seconds(server_pid_);
        const auto start = Clock::now();
        connect_all();
        const double elapsed = seconds_between(start, Clock::now());
        const double cpu = process_cpu_seconds(server_pid_) - cpu_before;
        const auto count = static_cast<double>(wanted_);
        std::printf(
                "handshakes_per_sec %.0f handshakes %zu seconds %.3f server_cpu_seconds %.3f "
                "server_cpu_us_per_handshake %.1f\n",
                count / elapsed, wanted_, elapsed, cpu, cpu / count * 1e6);
        std::fflush(stdout);
    }

    // Busy-polls (epoll_wait with a zero timeout), as bench_load_client does: a client that never
    // sleeps is never woken, so the server does not pay for cross-CPU wake-ups.
    void count(double warmup, double duration) {
        publishing_ = true;
        run_for(warmup);
        const std::uint64_t frames_before = subscribers_.frames();
        const std::uint64_t reads_before = subscribers_.reads();
        const std::uint64_t events_before = publisher_ ? publisher_->events_accepted() : 0;
        const double cpu_before = process_cpu_seconds(server_pid_);
        const auto start = Clock::now();
        run_for(duration);
        const double elapsed = seconds_between(start, Clock::now());
        const double cpu = process_cpu_seconds(server_pid_) - cpu_before;
        const auto frames = static_cast<double>(subscribers_.frames() - frames_before);
        const auto reads = static_cast<double>(subscribers_.reads() - reads_before);
        const auto events = static_cast<double>((publisher_ ? publisher_->events_accepted() : 0) -
                                                events_before);
        std::printf(
                "msgs_per_sec %.0f frames %.0f seconds %.3f connections %zu closed %zu "
                "frames_per_read %.2f server_cpu %.3f msgs_per_server_cpu_sec %.0f "
                "events_per_sec %.1f events_total %llu\n",
                frames / elapsed, frames, elapsed, wanted_, subscribers_.closed(),
                reads > 0 ? frames / reads : 0.0, cpu / elapsed, cpu > 0 ? frames / cpu : 0.0,
                events / elapsed,
                static_cast<unsigned long long>(publisher_ ? publisher_->events_accepted() : 0));
        std::fflush(stdout);
    }

    void latency(double warmup, double duration) {
        publishing_ = true;
        next_due_ = Clock::now();
        run_for(warmup);
        const std::uint64_t from = clock_nanoseconds(Clock::now());
        subscribers_.record(from, std::numeric_limits<std::uint64_t>::max());
        const std::uint64_t events_before = publisher_ ? publisher_->events_triggered() : 0;
        const std::uint64_t frames_before = subscribers_.frames();
        run_for(duration);
        const std::uint64_t to = clock_nanoseconds(Clock::now());
        subscribers_.record(from, to);
        publishing_ = false;
        const double rate = static_cast<double>(subscribers_.frames() - frames_before) /
                            (static_cast<double>(to - from) / 1e9);
        const std::uint64_t events =
                publisher_ ? publisher_->events_triggered() - events_before : 0;
        drain(publisher_ ? publisher_->events_triggered() : 0);
        report_latency(events, rate);
    }

    void hold(double seconds) { run_for(seconds, 50); }

private:
    // Until every triggered event reached every subscriber (the ceiling: for --drain seconds).
    void drain(std::uint64_t triggered) {
        const auto end = Clock::now() + std::chrono::duration<double>(drain_);
        while (!stop_requested() && Clock::now() < end) {
            if (publisher_ && publisher_->in_flight() == 0 &&
                subscribers_.frames() >= triggered * subscribers_.open()) {
                return;
            }
            poll(1);
        }
    }

    void report_latency(std::uint64_t events, double rate) {
        auto& samples = subscribers_.samples();
        if (samples.empty()) {
            fail("no latency samples: nothing was delivered in the window", false);
        }
        std::sort(samples.begin(), samples.end());
        const std::uint64_t expected = events * subscribers_.open();
        std::printf(
                "latency_us p50 %.0f p90 %.0f p99 %.0f max %.0f samples %zu expected %llu "
                "msgs_per_sec %.0f closed %zu\n",
                percentile(samples, 0.50) / 1e3, percentile(samples, 0.90) / 1e3,
                percentile(samples, 0.99) / 1e3, static_cast<double>(samples.back()) / 1e3,
                samples.size(), static_cast<unsigned long long>(expected), rate,
                subscribers_.closed());
        std::fflush(stdout);
    }

    void run_for(double seconds, int timeout_ms = 0) {
        const auto end = Clock::now() + std::chrono::duration<double>(seconds);
        while (!stop_requested() && Clock::now() < end) {
            publish();
            poll(timeout_ms);
        }
    }

    // Count mode: keep `window_` events undelivered. Latency mode: one event per 1/rate seconds.
    void publish() {
        if (!publisher_ || !publishing_) {
            return;
        }
        if (rate_ > 0) {
            const auto now = Clock::now();
            const auto interval = std::chrono::duration_cast<Clock::duration>(
                    std::chrono::duration<double>(1.0 / rate_));
            while (now >= next_due_ && publisher_->can_trigger()) {
                publisher_->trigger();
                next_due_ += interval;
            }
            return;
        }
        const std::uint64_t open = std::max<std::size_t>(1, subscribers_.open());
        while (publisher_->can_trigger() &&
               publisher_->events_triggered() - subscribers_.frames() / open < window_) {
            publisher_->trigger();
        }
    }

    void poll(int timeout_ms) {
        const int n =
                epoll_wait(epoll_, events_.data(), static_cast<int>(events_.size()), timeout_ms);
        for (int i = 0; i < n; ++i) {
            const epoll_event& event = events_[static_cast<std::size_t>(i)];
            if ((event.data.u64 & Publisher::kTag) != 0) {
                publisher_->handle(event.data.u64, event.events);
            } else {
                subscribers_.handle(event.data.u64, event.events);
            }
        }
    }

    int epoll_;
    std::size_t wanted_;
    std::size_t in_flight_;
    std::size_t window_;
    double rate_;
    double drain_;
    double connect_timeout_;
    std::size_t server_pid_;
    Subscribers subscribers_;
    std::unique_ptr<Publisher> publisher_;
    bool publishing_ = false;
    Clock::time_point next_due_{};
    std::array<epoll_event, 1024> events_{};
};

int run(int argc, char** argv) {
    const Options options(argc, argv, kUsage);
    install_signal_handlers();
    raise_fd_limit(options.count("connections", 5000) + 64);
    const int epoll = epoll_create1(EPOLL_CLOEXEC);
    if (epoll < 0) {
        fail("epoll_create1");
    }
    Load load(options, epoll);
    const std::string mode = options.text("mode", "count");
    if (mode == "handshakes") {
        load.handshakes();
        load.hold(options.seconds("hold", 0));  // e.g. while a profiler stops
        return 0;
    }
    load.connect_all();
    if (mode == "idle") {
        load.hold(options.seconds("hold", 60));
    } else if (mode == "latency") {
        load.latency(options.seconds("warmup", 1), options.seconds("duration", 3));
    } else {
        load.count(options.seconds("warmup", 1), options.seconds("duration", 3));
    }
    return 0;
}

}  // namespace
}  // namespace herald::bench

int main(int argc, char** argv) {
    return herald::bench::run(argc, argv);
}
