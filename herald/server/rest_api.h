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
#include <optional>
#include <string>

#include "herald/http/message.h"
#include "herald/server/app.h"
#include "herald/server/channel_service.h"
#include "herald/server/debug_feed.h"
#include "herald/server/rest_metrics.h"
#include "herald/web/responder.h"

namespace herald::server {

struct RestOptions {
    std::function<std::int64_t()> now_seconds;  // unset: the system clock (Unix seconds)
    std::chrono::seconds timestamp_window = pusher::kRestTimestampWindow;
    // Runs a job away from the workers (GET /channels, whose work grows with the app); false
    // when it cannot take one more. Unset: such answers are built on the worker.
    std::function<bool(std::function<void()>)> off_loop;
    // Where requests are counted (null: nowhere); outlives the API.
    RestMetrics* metrics = nullptr;
    // The dashboard's console, shown each published event (null: nowhere); outlives the API.
    DebugFeed* feed = nullptr;
};

class RestApi {
public:
    RestApi(const AppRegistry& apps, ChannelService& channels, RestOptions options = {});
    ~RestApi();
    RestApi(const RestApi&) = delete;
    RestApi& operator=(const RestApi&) = delete;

    // True for the paths this API answers (/apps/..., / and /up).
    [[nodiscard]] static bool handles(std::string_view path) noexcept;
    // The app id of an endpoint's path (percent-decoded); nothing for / and /up, or a path that
    // is no endpoint.
    [[nodiscard]] static std::optional<std::string> app_id_of(std::string_view path);

    // Answers on the calling thread.
    [[nodiscard]] http::Response handle(const http::Request& request);
    // The same, except that an answer whose work grows with the app (GET /channels) is built
    // through options.off_loop: the Responder taken from `later` answers, and this returns
    // nullopt. A refused job answers 503.
    [[nodiscard]] std::optional<http::Response> handle(const http::Request& request,
                                                       web::Deferral& later);

    // A POST /apps/{id}/events body from a caller the server already trusts (the dashboard's
    // event creator, behind its own login): parsed, limited, published, counted and answered
    // exactly as a signed request, without the signature.
    [[nodiscard]] http::Response trigger_trusted(const App& app, std::string_view body);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace herald::server
