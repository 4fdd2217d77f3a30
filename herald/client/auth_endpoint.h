// herald/client/auth_endpoint.h
//
// pusher-js's HTTP authorization (protocol.md §7.2, §7.3) and user authentication (§7.5, §10.7):
// a POST of `socket_id=...&channel_name=...` (or only `socket_id=...` for a sign-in;
// application/x-www-form-urlencoded, each part encoded like JavaScript's encodeURIComponent, then
// the extra params) to the application's endpoint, whose 200 answer is the {"auth": ...} JSON.
// AuthThread runs those blocking libcurl calls on a small thread of its own, so that the
// client's I/O thread never waits for an endpoint.
// Owner: the Client (AuthThread); the functions are pure or blocking, for any thread.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "herald/client/core.h"

namespace herald::client {

using Pairs = std::vector<std::pair<std::string, std::string>>;

struct AuthEndpoint {
    std::string url;
    Pairs params;   // extra form fields, after socket_id and channel_name, in this order
    Pairs headers;  // extra request headers
    std::string ca_file;
    bool verify_tls = true;
};

// JavaScript's encodeURIComponent: every byte but A-Z a-z 0-9 - _ . ! ~ * ' ( ) as %XX.
[[nodiscard]] std::string encode_uri_component(std::string_view text);

// The form body pusher-js sends: socket_id, channel_name (none for a sign-in), then the extra
// params.
[[nodiscard]] std::string auth_request_body(std::string_view socket_id,
                                            std::optional<std::string_view> channel,
                                            const Pairs& params);

// The endpoint's answer: its JSON body for a 200, otherwise why not; `http_status` is the
// status received (0 when none was).
struct AuthAnswer {
    AuthResult result;
    int http_status = 0;
};

// One blocking POST (10 s at most); `channel` nullopt for a sign-in.
[[nodiscard]] AuthAnswer request_authorization(const AuthEndpoint& endpoint,
                                               std::string_view socket_id,
                                               std::optional<std::string_view> channel);

// What AuthThread is asked: a channel's authorization, or (channel nullopt) a sign-in's.
struct AuthRequest {
    std::string socket_id;
    std::optional<std::string> channel;
};

// Runs request_authorization on a thread of its own, one request at a time (channels to
// `channels`, sign-ins to `users`), and hands each answer to `done` on that thread. The
// destructor waits for the request in progress and drops the queued ones.
class AuthThread {
public:
    using Done = std::function<void(AuthRequest, AuthAnswer)>;

    AuthThread(AuthEndpoint channels, AuthEndpoint users, Done done);
    ~AuthThread();
    AuthThread(const AuthThread&) = delete;
    AuthThread& operator=(const AuthThread&) = delete;

    void request(AuthRequest request);

private:
    void run();

    AuthEndpoint channels_;
    AuthEndpoint users_;
    Done done_;
    std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<AuthRequest> queue_;
    bool stopping_ = false;
    std::thread thread_;  // last: starts once the rest is made
};

}  // namespace herald::client
