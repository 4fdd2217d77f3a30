// tests/interop/sdk/client_driver.cpp
//
// Drives herald::client for the Node interop suite (client.test.mjs): the configuration as one
// JSON argument, one JSON command per stdin line, and one JSON line on stdout per answer and per
// thing the client reports, written as it happens.
//   client_driver '{"host","port","key","auth_endpoint","user_auth_endpoint","params":{..}}'
// Commands: {"op": "subscribe" | "unsubscribe", "channel"}, {"op": "trigger", "channel",
// "event", "data" (JSON text)}, {"op": "members", "channel"}, {"op": "signin"}.
// Lines: {"type":"state","state","socket_id"}, {"type":"event","channel","event","data",
// "user_id"?} for every channel event, {"type":"user" | "watchlist","event","data"}, and the
// answers {"type":"reply","op",...}. Closing stdin ends it (exit 0).
#include <iostream>
#include <mutex>
#include <string>

#include "herald/client/client.h"
#include "herald/sdk/json.h"

namespace {

using herald::sdk::Json;
namespace client = herald::client;

std::mutex output_mutex;

void print(const Json& line) {
    const std::lock_guard lock(output_mutex);
    std::cout << line.dump() << std::endl;
}

Json event_line(std::string_view type, const client::Event& event) {
    Json line = Json::object({{"type", std::string(type)},
                              {"channel", event.channel},
                              {"event", event.event},
                              {"data", event.data}});
    if (event.user_id) {
        line.set("user_id", *event.user_id);
    }
    return line;
}

client::Options options_from(const Json& config) {
    client::Options o;
    o.host = config["host"].as_string();
    o.port = static_cast<std::uint16_t>(config["port"].as_int());
    o.key = config["key"].as_string();
    o.timeouts.first_backoff = std::chrono::milliseconds(100);
    o.timeouts.max_backoff = std::chrono::milliseconds(500);
    if (const Json* url = config.find("auth_endpoint")) {
        o.auth_endpoint = url->as_string();
    }
    if (const Json* url = config.find("user_auth_endpoint")) {
        o.user_auth_endpoint = url->as_string();
    }
    if (const Json* params = config.find("params")) {
        for (const auto& [name, value] : params->as_object()) {
            o.auth_params.emplace_back(name, value.as_string());
            o.user_auth_params.emplace_back(name, value.as_string());
        }
    }
    return o;
}

Json members_reply(client::Client& pusher, const std::string& channel) {
    const auto members = pusher.channel(channel).members();
    Json ids = Json::array();
    for (const auto& member : members.all()) {
        ids.push_back(member.user_id);
    }
    return Json::object({{"type", "reply"},
                         {"op", "members"},
                         {"me", members.me()},
                         {"count", static_cast<std::int64_t>(members.count())},
                         {"ids", std::move(ids)}});
}

void run(client::Client& pusher, const Json& command) {
    const std::string op = command["op"].as_string();
    if (op == "subscribe") {
        pusher.subscribe(command["channel"].as_string());
    } else if (op == "unsubscribe") {
        pusher.unsubscribe(command["channel"].as_string());
    } else if (op == "signin") {
        pusher.signin();
    } else if (op == "members") {
        print(members_reply(pusher, command["channel"].as_string()));
        return;
    } else if (op == "trigger") {
        const auto sent = pusher.trigger(command["channel"].as_string(),
                                         command["event"].as_string(), command["data"].as_string());
        print(Json::object({{"type", "reply"},
                            {"op", op},
                            {"ok", sent.has_value()},
                            {"error", sent ? std::string() : sent.error()}}));
        return;
    } else {
        throw std::invalid_argument("unknown op " + op);
    }
    print(Json::object({{"type", "reply"}, {"op", op}, {"ok", true}}));
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::cerr << "usage: client_driver CONFIG_JSON\n";
        return 2;
    }
    client::Client pusher(options_from(Json::parse(argv[1])));
    pusher.on_state_change([&pusher](client::State, client::State current) {
        // socket_id() from the callback runs at once on the I/O thread.
        print(Json::object({{"type", "state"},
                            {"state", std::string(client::to_string(current))},
                            {"socket_id", pusher.socket_id()}}));
    });
    pusher.bind_global([](const client::Event& event) { print(event_line("event", event)); });
    auto user = pusher.user();
    user.bind_global([](const client::Event& event) { print(event_line("user", event)); });
    for (const char* name : {"online", "offline"}) {
        user.bind_watchlist(
                name, [](const client::Event& event) { print(event_line("watchlist", event)); });
    }
    pusher.connect();
    std::string line;
    while (std::getline(std::cin, line)) {
        try {
            run(pusher, Json::parse(line));
        } catch (const std::exception& e) {
            print(Json::object({{"type", "reply"}, {"ok", false}, {"error", e.what()}}));
        }
    }
    return 0;
}
