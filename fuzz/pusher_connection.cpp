// fuzz/pusher_connection.cpp
//
// Drives up to three Pusher connections of one app through the real handler, hub and channel
// table, on one thread (the workers' posted deliveries are run in between). Each input line is
// "<connection digit><op><rest>": op 's' subscribes to channel <rest> with a valid signature
// (presence channels get channel_data for user <digit>), 'u' unsubscribes, anything else sends
// the rest as a raw client message. Properties: every connection's first message is
// connection_established, everything sent is a JSON object with an event, nothing is sent after
// a close, and once every connection has gone the hub holds no channel and no member.
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fuzz/fuzz_input.h"

#include "herald/pusher/auth.h"
#include "herald/pusher/channel.h"
#include "herald/pusher/message.h"
#include "herald/server/connection.h"

namespace {

using herald::fuzzing::check;

using namespace herald;

struct Recorder final : server::Transport {
    void send(std::string_view text) override { take(text); }

    void send(const ws::Broadcast& message, server::Flush /*flush*/) override {
        take(message.payload());
    }

    void close(std::uint16_t /*code*/, std::string_view /*reason*/) override { closed = true; }

    void take(std::string_view text) {
        check(!closed);
        static pusher::MessageParser parser(1 << 24);
        const auto parsed = parser.parse(text);
        check(parsed.has_value());
        check(count > 0 || text.find("pusher:connection_established") != std::string_view::npos);
        ++count;
    }

    std::size_t count = 0;
    bool closed = false;
};

struct World {
    World() : apps(make_apps()), pool(2), hub(apps, pool), context(config, apps, hub, 2) {
        for (std::uint32_t i = 0; i < 2; ++i) {
            context.add_worker(20 * 1024, pusher::socket_id_prefix(1, i));
        }
    }

    static server::AppRegistry make_apps() {
        auto app = server::development_app();
        app.subscription_count_events = true;
        app.limits.max_presence_members = 2;
        app.limits.max_channels_per_connection = 4;
        app.limits.max_client_events_per_second = 3;
        return server::AppRegistry({app});
    }

    void run_posted() {
        for (std::size_t i = 0; i < pool.size(); ++i) {
            auto& io = pool.worker(i).io_context();
            io.poll();
            io.restart();
        }
    }

    server::ServerConfig config;
    server::AppRegistry apps;
    net::WorkerPool pool;
    server::Hub hub;
    server::ServerContext context;
};

std::string subscribe(const server::App& app, const server::Connection& c, std::string_view channel,
                      char user) {
    const auto kind = pusher::classify_channel(channel);
    std::optional<std::string> data;
    if (pusher::is_presence(kind)) {
        data = std::string(R"({"user_id":")") + user + R"("})";
    }
    const auto auth = pusher::channel_auth(app.key, app.secret, c.socket_id(), channel, data);
    pusher::Subscribe s{std::string(channel), auth, data};
    return pusher::serialize(pusher::ClientMessage{s});
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size) {
    static World world;
    const auto app = world.apps.apps().front();
    std::array<std::shared_ptr<server::Connection>, 3> connections;
    std::array<Recorder*, 3> recorders{};
    for (std::size_t i = 0; i < connections.size(); ++i) {
        auto recorder = std::make_unique<Recorder>();
        recorders[i] = recorder.get();
        connections[i] = std::make_shared<server::Connection>(
                world.context, app, world.pool.worker(i % 2), std::move(recorder));
        connections[i]->open();
    }
    std::string_view input(reinterpret_cast<const char*>(bytes), size);
    while (!input.empty()) {
        const auto end = input.find('\n');
        auto line = input.substr(0, end);
        input = end == std::string_view::npos ? std::string_view{} : input.substr(end + 1);
        if (line.size() < 2) {
            continue;
        }
        auto& c = *connections[static_cast<std::size_t>(line[0]) % connections.size()];
        const auto rest = line.substr(2);
        std::string text(rest);
        if (line[1] == 's') {
            text = subscribe(*app, c, rest, line[0]);
        } else if (line[1] == 'u') {
            text = R"({"event":"pusher:unsubscribe","data":{"channel":")" + text + "\"}}";
        }
        c.receive(web::Message{false, text});
        world.run_posted();
    }
    for (auto& c : connections) {
        c->closed();
    }
    world.run_posted();
    check(world.hub.channels(*app, "").empty());
    for (auto* r : recorders) {
        check(r->count > 0);
    }
    return 0;
}
