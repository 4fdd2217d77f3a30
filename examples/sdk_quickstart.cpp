// examples/sdk_quickstart.cpp
//
// herald::sdk in a few lines: sign a private-channel subscription (no network), trigger an event,
// trigger one without waiting, and list the occupied channels. Against `make run`'s server:
//   HERALD_URL=http://app-key:app-secret@127.0.0.1:6001/apps/app-id sdk_quickstart [CHANNEL]
// Built with the repository, and on its own against an installed SDK:
//   find_package(herald REQUIRED) + target_link_libraries(app PRIVATE herald::sdk), or
//   c++ -std=c++20 sdk_quickstart.cpp $(pkg-config --cflags --libs herald-sdk)
#include <cstdio>
#include <string>

#include "herald/sdk/client.h"

int main(int argc, char** argv) {
    namespace sdk = herald::sdk;
    const std::string channel = argc > 1 ? argv[1] : "quickstart";
    try {
        sdk::Client client(sdk::Options::from_env());  // HERALD_URL, else PUSHER_URL

        // What an application server's /pusher/auth endpoint answers for a private channel.
        const sdk::ChannelAuth auth = client.authenticate("private-orders", "1234.5678");
        std::printf("auth: %s\n", auth.json().c_str());

        // Data may be a string (sent as it is) or any JSON value (encoded once).
        client.trigger(channel, "greeting", sdk::Json::object({{"text", "hello from C++"}}));

        // The asynchronous form returns at once; the answer (or the error) comes in the future.
        auto pending = client.trigger_async({channel}, "greeting", "hello, later");
        pending.get();

        std::printf("channels: %s\n", client.channels().dump().c_str());
    } catch (const sdk::ConfigurationError& e) {
        std::fprintf(stderr, "sdk_quickstart: %s\n", e.what());
        return 2;
    } catch (const sdk::Error& e) {  // HttpError, AuthenticationError, NetworkError, bad input
        std::fprintf(stderr, "sdk_quickstart: %s\n", e.what());
        return 1;
    }
    return 0;
}
