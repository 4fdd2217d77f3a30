// examples/client_quickstart.cpp
//
// herald::client in a few lines: connect, subscribe to a public and a presence channel, print
// what arrives for a while, and send a client event. Against `make run`'s server (the
// development app, client events on with --enable-client-events):
//   client_quickstart [SECONDS [PORT]]
// and, from another shell, `herald trigger quickstart greeting '"hello"'`.
// The authorizer signs locally with the app secret, as an application server would; a real
// application asks its own server for the signature instead.
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>
#include <thread>

#include "herald/client/client.h"
#include "herald/pusher/auth.h"

int main(int argc, char** argv) {
    namespace client = herald::client;
    const int seconds = argc > 1 ? std::stoi(argv[1]) : 30;

    client::Options options;
    options.key = "app-key";
    options.host = "127.0.0.1";
    options.port = static_cast<std::uint16_t>(argc > 2 ? std::stoi(argv[2]) : 6001);
    options.authorizer = [](std::string_view socket_id,
                            std::string_view channel) -> client::AuthResult {
        const std::string data = R"({"user_id":"quickstart","user_info":{"lang":"C++"}})";
        const std::string auth =
                herald::pusher::channel_auth("app-key", "app-secret", socket_id, channel, data);
        return R"({"auth":")" + auth +
               R"(","channel_data":"{\"user_id\":\"quickstart\",\"user_info\":{\"lang\":\"C++\"}}"})";
    };

    client::Client pusher(std::move(options));  // the I/O thread starts here
    pusher.on_state_change([](client::State previous, client::State current) {
        std::printf("state: %s -> %s\n", client::to_string(previous).data(),
                    client::to_string(current).data());
    });
    pusher.on_error(
            [](const client::Event& error) { std::printf("error: %s\n", error.data.c_str()); });

    auto news = pusher.subscribe("quickstart");
    news.bind("greeting", [](const client::Event& event) {
        std::printf("%s on %s: %s\n", event.event.c_str(), event.channel.c_str(),
                    event.data.c_str());
    });

    auto room = pusher.subscribe("presence-quickstart");
    room.bind("pusher:subscription_succeeded", [&room](const client::Event&) {
        // Callbacks run on the I/O thread; calling the client from them is fine.
        const auto members = room.members();
        std::printf("in the room as %s with %zu member(s)\n", members.me().c_str(),
                    members.count());
        const auto sent = room.trigger("client-hello", R"({"from":"C++"})");
        if (!sent) {
            std::printf("client event not sent: %s\n", sent.error().c_str());
        }
    });
    room.bind("pusher:member_added", [](const client::Event& event) {
        std::printf("joined: %s\n", event.user_id.value_or("").c_str());
    });

    pusher.connect();
    std::this_thread::sleep_for(std::chrono::seconds(seconds));
    return 0;  // ~Client disconnects and stops the I/O thread
}
