// tests/interop/sdk/sdk_driver.cpp
//
// Drives herald::sdk for the Node interop suite (sdk.test.mjs): one JSON command per stdin line,
// one JSON answer per stdout line, in order. The suite checks the answers and, with pusher-js,
// what the server delivered.
//   sdk_driver URL [--master-key B64] [--proxy URL] [--proxy-tunnel] [--timeout-ms N]
//                  [--clock UNIX_SECONDS] [--ca-file PEM] [--no-verify-tls]
// Commands: {"op": trigger | channel_trigger | batch | channel_info | channel_users | channels |
// get | post | send_to_user | terminate | authenticate | authenticate_user | webhook | signed,
// "mode": "sync" (default) | "future" | "callback", ...arguments}. Answers:
// {"ok":true,"result":..,"returned_ms":..} or {"ok":false,"error":"<type>","message":..,
// "status":..,"timed_out":..}. `returned_ms` is how long the call took to return to the caller
// (for asynchronous modes: before the answer came).
#include <chrono>
#include <cstdio>
#include <future>
#include <iostream>
#include <string>

#include "herald/sdk/client.h"

namespace {

using herald::sdk::Client;
using herald::sdk::Json;

std::optional<std::string> optional_text(const Json& command, std::string_view key) {
    const Json* value = command.find(key);
    if (value == nullptr || value->is_null()) {
        return std::nullopt;
    }
    return value->as_string();
}

herald::sdk::Data data_of(const Json& command) {
    if (const auto text = optional_text(command, "data_text")) {
        return *text;
    }
    return command["data"];
}

std::vector<std::string> strings(const Json& list) {
    std::vector<std::string> out;
    for (const Json& item : list.as_array()) {
        out.push_back(item.as_string());
    }
    return out;
}

herald::sdk::QueryParams params_of(const Json& object) {
    herald::sdk::QueryParams out;
    if (object.is_object()) {
        for (const auto& [key, value] : object.as_object()) {
            out.push_back({key, value.as_string()});
        }
    }
    return out;
}

Json error_answer(const std::exception& e) {
    Json answer = Json::object({{"ok", false}, {"message", e.what()}});
    if (const auto* auth = dynamic_cast<const herald::sdk::AuthenticationError*>(&e)) {
        answer.set("error", "AuthenticationError").set("status", auth->status());
        answer.set("body", auth->body());
    } else if (const auto* http = dynamic_cast<const herald::sdk::HttpError*>(&e)) {
        answer.set("error", "HttpError").set("status", http->status()).set("body", http->body());
    } else if (const auto* net = dynamic_cast<const herald::sdk::NetworkError*>(&e)) {
        answer.set("error", "NetworkError").set("timed_out", net->timed_out());
    } else if (dynamic_cast<const herald::sdk::ConfigurationError*>(&e) != nullptr) {
        answer.set("error", "ConfigurationError");
    } else if (dynamic_cast<const herald::sdk::Error*>(&e) != nullptr) {
        answer.set("error", "Error");
    } else {
        answer.set("error", "std::exception");
    }
    return answer;
}

// Runs a call that has sync, future and callback forms, by `mode`.
template <typename Sync, typename Future, typename WithCallback>
Json run_mode(const std::string& mode, Sync sync, Future future, WithCallback with_callback) {
    const auto start = std::chrono::steady_clock::now();
    const auto elapsed = [start] {
        return std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::steady_clock::now() - start)
                .count();
    };
    Json result;
    std::int64_t returned_ms = 0;
    if (mode == "future") {
        auto pending = future();
        returned_ms = elapsed();
        result = pending.get();
    } else if (mode == "callback") {
        std::promise<herald::sdk::AsyncResult> delivered;
        with_callback([&delivered](herald::sdk::AsyncResult r) { delivered.set_value(r); });
        returned_ms = elapsed();
        result = delivered.get_future().get().get();
    } else {
        result = sync();
        returned_ms = elapsed();
    }
    return Json::object({{"ok", true}, {"result", result}, {"returned_ms", returned_ms}});
}

Json trigger(Client& client, const Json& c, const std::string& mode) {
    const auto channels = strings(c["channels"]);
    const herald::sdk::TriggerParams params{optional_text(c, "socket_id"),
                                            optional_text(c, "info")};
    const auto event = c["event"].as_string();
    const auto data = data_of(c);
    return run_mode(
            mode, [&] { return client.trigger(channels, event, data, params); },
            [&] { return client.trigger_async(channels, event, data, params); },
            [&](herald::sdk::Callback cb) {
                client.trigger_async(channels, event, data, params, std::move(cb));
            });
}

Json get(Client& client, const Json& c, const std::string& mode) {
    const auto path = c["path"].as_string();
    const auto params = params_of(c["params"]);
    return run_mode(
            mode, [&] { return client.get(path, params); },
            [&] { return client.get_async(path, params); },
            [&](herald::sdk::Callback cb) { client.get_async(path, params, std::move(cb)); });
}

Json post(Client& client, const Json& c, const std::string& mode) {
    const auto path = c["path"].as_string();
    const Json& body = c["body"];
    return run_mode(
            mode, [&] { return client.post(path, body); },
            [&] { return client.post_async(path, body); },
            [&](herald::sdk::Callback cb) { client.post_async(path, body, std::move(cb)); });
}

Json batch(Client& client, const Json& c) {
    std::vector<herald::sdk::BatchEvent> events;
    for (const Json& e : c["events"].as_array()) {
        events.push_back({e["channel"].as_string(), e["name"].as_string(), data_of(e),
                          optional_text(e, "socket_id"), optional_text(e, "info")});
    }
    return client.trigger_batch(events);
}

Json authenticate(const Client& client, const Json& c) {
    const auto channel = c["channel"].as_string();
    const auto socket_id = c["socket_id"].as_string();
    if (const auto user_id = optional_text(c, "user_id")) {
        return Json::parse(
                client.authenticate(channel, socket_id, {*user_id, c["user_info"]}).json());
    }
    return Json::parse(client.authenticate(channel, socket_id).json());
}

Json webhook(const Client& client, const Json& c) {
    herald::sdk::Headers headers;
    for (const auto& [name, value] : c["headers"].as_object()) {
        headers.emplace_back(name, value.as_string());
    }
    const auto hook = client.webhook(headers, c["body"].as_string());
    Json result = Json::object({{"valid", hook.valid()}, {"problem", hook.problem()}});
    if (hook.valid()) {
        Json events = Json::array();
        for (const auto& e : hook.events()) {
            events.push_back(Json::object({{"name", e.name},
                                           {"channel", e.channel},
                                           {"event", e.event},
                                           {"data", e.data},
                                           {"socket_id", e.socket_id},
                                           {"user_id", e.user_id}}));
        }
        result.set("events", events).set("time_ms", hook.time_ms());
    }
    return result;
}

Json execute(Client& client, const Json& c) {
    const std::string op = c["op"].as_string();
    const std::string mode = optional_text(c, "mode").value_or("sync");
    Json result;
    if (op == "trigger") {
        return trigger(client, c, mode);
    }
    if (op == "get") {
        return get(client, c, mode);
    }
    if (op == "post") {
        return post(client, c, mode);
    }
    if (op == "channel_trigger") {
        result = client.channel(c["channel"].as_string())
                         .trigger(c["event"].as_string(), data_of(c));
    } else if (op == "batch") {
        result = batch(client, c);
    } else if (op == "channel_info") {
        result = client.channel_info(c["channel"].as_string(), optional_text(c, "info"));
    } else if (op == "channel_users") {
        result = client.channel_users(c["channel"].as_string());
    } else if (op == "channels") {
        result = client.channels({optional_text(c, "filter_by_prefix"), optional_text(c, "info")});
    } else if (op == "send_to_user") {
        result = client.send_to_user(c["user_id"].as_string(), c["event"].as_string(), data_of(c));
    } else if (op == "terminate") {
        result = client.terminate_user_connections(c["user_id"].as_string());
    } else if (op == "authenticate") {
        result = authenticate(client, c);
    } else if (op == "authenticate_user") {
        result = Json::parse(
                client.authenticate_user(c["socket_id"].as_string(), c["user_data"]).json());
    } else if (op == "webhook") {
        result = webhook(client, c);
    } else if (op == "signed") {
        const auto request = client.signed_request(c["method"].as_string(), c["path"].as_string(),
                                                   params_of(c["params"]),
                                                   optional_text(c, "body").value_or(""));
        result = Json::object({{"path", request.path}, {"query", request.query}});
    } else {
        throw herald::sdk::Error("unknown op " + op);
    }
    return Json::object({{"ok", true}, {"result", result}});
}

herald::sdk::Options options_from(int argc, char** argv) {
    herald::sdk::Options options = herald::sdk::Options::from_url(argv[1]);
    for (int i = 2; i < argc; ++i) {
        const std::string flag = argv[i];
        const auto next = [&]() -> std::string {
            if (i + 1 >= argc) {
                throw herald::sdk::Error(flag + " needs a value");
            }
            return argv[++i];
        };
        if (flag == "--master-key") {
            options.encryption_master_key_base64 = next();
        } else if (flag == "--proxy") {
            options.proxy = next();
        } else if (flag == "--proxy-tunnel") {
            options.proxy_tunnel = true;
        } else if (flag == "--timeout-ms") {
            options.timeout = std::chrono::milliseconds(std::stoll(next()));
        } else if (flag == "--clock") {
            const std::int64_t now = std::stoll(next());
            options.clock = [now] {
                return now;
            };
        } else if (flag == "--ca-file") {
            options.ca_file = next();
        } else if (flag == "--no-verify-tls") {
            options.verify_tls = false;
        } else {
            throw herald::sdk::Error("unknown flag " + flag);
        }
    }
    return options;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: sdk_driver URL [flags]\n");
        return 2;
    }
    try {
        Client client(options_from(argc, argv));
        std::string line;
        while (std::getline(std::cin, line)) {
            Json answer;
            try {
                answer = execute(client, Json::parse(line));
            } catch (const std::exception& e) {
                answer = error_answer(e);
            }
            std::cout << answer.dump() << std::endl;
        }
    } catch (const std::exception& e) {
        std::fprintf(stderr, "sdk_driver: %s\n", e.what());
        return 2;
    }
    return 0;
}
