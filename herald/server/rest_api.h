// herald/server/rest_api.h
//
// The Channels HTTP REST API (protocol.md §8): routes /apps/{app_id}/..., verifies the signature
// (§8.2), checks bodies and limits, and turns each request into ChannelService calls. Also answers
// GET / and /up for health checks. Every answer is JSON (errors: a human-readable text body with
// the documented status).
// Owner: the server; handle() may run on any worker thread at once (it keeps no request state).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>

#include "herald/http/message.h"
#include "herald/server/app.h"
#include "herald/server/channel_service.h"

namespace herald::server {

struct RestOptions {
    std::function<std::int64_t()> now_seconds;  // unset: the system clock (Unix seconds)
    std::chrono::seconds timestamp_window = pusher::kRestTimestampWindow;
};

class RestApi {
public:
    RestApi(const AppRegistry& apps, ChannelService& channels, RestOptions options = {});
    ~RestApi();
    RestApi(const RestApi&) = delete;
    RestApi& operator=(const RestApi&) = delete;

    // True for the paths this API answers (/apps/..., / and /up).
    [[nodiscard]] static bool handles(std::string_view path) noexcept;

    [[nodiscard]] http::Response handle(const http::Request& request);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace herald::server
