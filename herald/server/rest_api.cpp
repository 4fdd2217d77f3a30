#include "herald/server/rest_api.h"

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <spdlog/spdlog.h>

#include "herald/pusher/channel.h"
#include "herald/pusher/rest_signature.h"
#include "herald/server/console_event.h"
#include "herald/server/rest_body.h"
#include "herald/server/rest_rate.h"
#include "herald/server/rest_reply.h"
#include "herald/util/ascii.h"
#include "herald/util/parse.h"
#include "herald/util/throttle.h"

namespace herald::server {

namespace {

using http::Request;
using http::Response;

using Route = RestRoute;

struct Target {
    Route route = Route::Events;
    std::string app_id;  // percent-decoded
    std::string name;    // the channel or user id of the path, percent-decoded
};

std::string decode_segment(std::string_view segment) {
    return util::percent_decode(segment);
}

// The '/'-separated segments after the leading '/', still encoded (a %2F stays inside one).
std::vector<std::string_view> segments(std::string_view path) {
    std::vector<std::string_view> out;
    path.remove_prefix(1);
    while (true) {
        const auto slash = path.find('/');
        out.push_back(path.substr(0, slash));
        if (slash == std::string_view::npos) {
            return out;
        }
        path.remove_prefix(slash + 1);
    }
}

std::optional<Target> match(std::string_view path) {
    if (!path.starts_with("/apps/")) {
        return std::nullopt;
    }
    const auto s = segments(path);
    if (s.size() < 3 || s.size() > 5) {
        return std::nullopt;
    }
    Target target{Route::Events, decode_segment(s[1]), {}};
    if (s.size() == 3) {
        if (s[2] == "events" || s[2] == "batch_events" || s[2] == "channels") {
            target.route = s[2] == "events"         ? Route::Events
                           : s[2] == "batch_events" ? Route::BatchEvents
                                                    : Route::Channels;
            return target;
        }
        return std::nullopt;
    }
    target.name = decode_segment(s[3]);
    if (s.size() == 4 && s[2] == "channels") {
        target.route = Route::Channel;
    } else if (s.size() == 5 && s[2] == "channels" && s[4] == "users") {
        target.route = Route::ChannelUsers;
    } else if (s.size() == 5 && s[2] == "users" && s[4] == "terminate_connections") {
        target.route = Route::TerminateUser;
    } else {
        return std::nullopt;
    }
    return target;
}

std::string_view method_of(Route route) noexcept {
    switch (route) {
        case Route::Events:
        case Route::BatchEvents:
        case Route::TerminateUser:
            return "POST";
        case Route::Channels:
        case Route::Channel:
        case Route::ChannelUsers:
        case Route::Other:
            return "GET";
    }
    return "GET";
}

Response method_not_allowed(std::string_view allow, std::string_view method) {
    auto response =
            error_reply(RestError{405, "Method " + quote_for_message(method) +
                                               " is not allowed here; use " + std::string(allow)});
    response.fields.set("Allow", std::string(allow));
    return response;
}

// GET / and GET /up (HEAD too): a load balancer's liveness probe, unsigned.
Response health(const Request& request) {
    constexpr std::string_view kBody = "OK";
    if (request.method != "GET" && request.method != "HEAD") {
        return method_not_allowed("GET, HEAD", request.method);
    }
    Response response;
    response.fields.add("Content-Type", "text/plain; charset=utf-8");
    if (request.method == "HEAD") {
        response.fields.add("Content-Length", std::to_string(kBody.size()));
    } else {
        response.body = std::string(kBody);
    }
    return response;
}

// The first query parameter named `name` in any letter case (keys are signed lower-cased).
std::string_view param(const pusher::QueryParams& params, std::string_view name) {
    for (const auto& p : params) {
        if (util::iequals(p.key, name)) {
            return p.value;
        }
    }
    return {};
}

std::int64_t system_seconds() {
    const auto now = std::chrono::system_clock::now().time_since_epoch();
    return std::chrono::duration_cast<std::chrono::seconds>(now).count();
}

Response app_disabled(const App& app) {
    return error_reply(RestError{403, "App " + quote_for_message(app.id) + " is disabled"});
}

}  // namespace

// A request on its way to being counted: its route and app, as far as they are known.
struct Observation {
    bool counted = false;  // false: / and /up
    RestRoute route = RestRoute::Other;
    std::optional<std::size_t> app;
    std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();

    void answered(RestMetrics* metrics, unsigned status) const {
        if (metrics != nullptr && counted) {
            metrics->observe(app, route, status, std::chrono::steady_clock::now() - started);
        }
    }
};

struct RestApi::Impl {
    Impl(const AppRegistry& registry, ChannelService& service, RestOptions opts)
        : apps(registry),
          channels(service),
          options(std::move(opts)),
          limiter(registry.capacity()) {}

    // `later` null: every answer is built here and now.
    std::optional<Response> handle(const Request& request, web::Deferral* later);
    std::optional<Response> route(const Request& request, web::Deferral* later, Observation& seen);
    std::optional<Response> dispatch(const Target& target, const AppPtr& app,
                                     const Request& request, std::int64_t now, web::Deferral* later,
                                     const Observation& seen);
    Response trigger(const App& app, const ParsedTriggers& parsed, bool batch, std::int64_t now);
    std::optional<Response> list_channels(const AppPtr& app, const pusher::QueryParams& query,
                                          web::Deferral* later, const Observation& seen);
    Response channel_info(const App& app, const std::string& name,
                          const pusher::QueryParams& query);
    Response channel_users(const App& app, const std::string& name);
    Response terminate(const App& app, const std::string& user_id, std::string_view body);

    [[nodiscard]] std::int64_t now_seconds() const {
        return options.now_seconds ? options.now_seconds() : system_seconds();
    }

    const AppRegistry& apps;
    ChannelService& channels;
    RestOptions options;
    BackendRateLimiter limiter;
};

std::optional<Response> RestApi::Impl::handle(const Request& request, web::Deferral* later) {
    Observation seen;
    auto response = route(request, later, seen);
    if (response) {
        seen.answered(options.metrics, response->status);
    }
    return response;
}

std::optional<Response> RestApi::Impl::route(const Request& request, web::Deferral* later,
                                             Observation& seen) {
    const auto path = request.path();
    if (path == "/" || path == "/up") {
        return health(request);
    }
    seen.counted = true;
    const auto target = match(path);
    if (!target) {
        return error_reply(
                RestError{404, "Not found: no API endpoint at " + quote_for_message(path)});
    }
    seen.route = target->route;
    const auto app = apps.by_id(target->app_id);
    if (app) {
        seen.app = apps.slot_of(app->id);
    }
    const auto allowed = method_of(target->route);
    if (request.method != allowed) {
        return method_not_allowed(allowed, request.method);
    }
    if (!app) {
        return error_reply(RestError{404, "Unknown app id " + quote_for_message(target->app_id)});
    }
    // §8.2 step 8: the client signed the percent-decoded path. The path's buffer and the
    // verifier are this worker thread's, reused by every request it answers.
    thread_local std::string signed_path;
    thread_local pusher::RestVerifier verifier;
    util::percent_decode_into(signed_path, path);
    const auto now = now_seconds();
    const auto& verdict =
            verifier.verify({request.method, signed_path, request.query(), request.body}, app->key,
                            app->secret, now, options.timestamp_window);
    if (verdict.error) {
        return error_reply(
                RestError{401, pusher::rest_auth_message(verdict, now, options.timestamp_window)});
    }
    if (!app->enabled) {
        return app_disabled(*app);
    }
    return dispatch(*target, app, request, now, later, seen);
}

std::optional<Response> RestApi::Impl::dispatch(const Target& target, const AppPtr& shared,
                                                const Request& request, std::int64_t now,
                                                web::Deferral* later, const Observation& seen) {
    const App& app = *shared;
    switch (target.route) {
        case Route::Events:
            return trigger(app, parse_trigger_body(request.body, app.limits), false, now);
        case Route::BatchEvents:
            return trigger(app, parse_batch_body(request.body, app.limits), true, now);
        case Route::Channels:
            return list_channels(shared, pusher::parse_query(request.query()), later, seen);
        case Route::Channel:
            return channel_info(app, target.name, pusher::parse_query(request.query()));
        case Route::ChannelUsers:
            return channel_users(app, target.name);
        case Route::TerminateUser:
            return terminate(app, target.name, request.body);
        case Route::Other:
            break;  // match() never gives it
    }
    return error_reply(RestError{404, "Not found"});
}

Response RestApi::Impl::trigger(const App& app, const ParsedTriggers& parsed, bool batch,
                                std::int64_t now) {
    if (!parsed) {
        return error_reply(parsed.error());
    }
    const auto& triggers = *parsed;
    std::size_t events = 0;
    for (const auto& t : triggers) {
        events += t.channels.size();
    }
    const auto limit = app.limits.max_backend_events_per_second;
    if (!limiter.try_take(apps.index_of(app), limit, now, events)) {
        return error_reply(RestError{429, "Too many events: app " + quote_for_message(app.id) +
                                                  " may trigger " + std::to_string(limit) +
                                                  " per second and this request has " +
                                                  std::to_string(events)});
    }
    const auto slot = apps.index_of(app);
    const bool watched = options.feed != nullptr && options.feed->watching(slot);
    for (const auto& t : triggers) {
        for (const auto& channel : t.channels) {
            channels.publish_everywhere(
                    app, Publication{channel, t.name, t.data, t.socket_id, std::nullopt});
        }
        if (watched) {
            options.feed->publish(slot, ConsoleEvent("api_message")
                                                .texts("channels", t.channels)
                                                .text("event", t.name)
                                                .text("data", t.data)
                                                .maybe_text("socket_id", t.socket_id)
                                                .finish());
        }
    }
    return json_reply(batch ? batch_body(channels, app, triggers)
                            : trigger_body(channels, app, triggers.front()));
}

std::optional<Response> RestApi::Impl::list_channels(const AppPtr& app,
                                                     const pusher::QueryParams& query,
                                                     web::Deferral* later,
                                                     const Observation& seen) {
    auto prefix = std::string(param(query, "filter_by_prefix"));
    const auto info = parse_info(param(query, "info"));
    // §8.6: user counts exist only when the listing is restricted to presence channels.
    if (info.user_count && !prefix.starts_with("presence-")) {
        return error_reply(RestError{400,
                                     "info=user_count needs filter_by_prefix starting with "
                                     "presence- (only presence channels have users)"});
    }
    // The listing grows with the app: built off the worker when the server offers a place. It
    // holds the app's settings as they were asked about, whatever a reload does meanwhile.
    auto listing = [this, app, prefix = std::move(prefix), info] {
        return json_reply(channels_body(channels.channels(*app, prefix), info));
    };
    if (later == nullptr || !options.off_loop) {
        return listing();
    }
    auto build = [listing = std::move(listing), answer = later->defer(), seen,
                  metrics = options.metrics] {
        auto response = listing();
        seen.answered(metrics, response.status);
        answer(std::move(response));
    };
    if (!options.off_loop(std::move(build))) {
        seen.answered(options.metrics, 503);
        // The refused job took its Responder along, which answered 503 when it went.
        static util::Throttle log;  // any client with the app's secret may cause it
        util::log_throttled(log, [](const std::string& note) {
            spdlog::warn("GET /channels answered 503: too many channel listings waiting{}", note);
        });
    }
    return std::nullopt;
}

Response RestApi::Impl::channel_info(const App& app, const std::string& name,
                                     const pusher::QueryParams& query) {
    if (auto error = check_path_channel(name, app.limits)) {
        return error_reply(*error);
    }
    const auto info = parse_info(param(query, "info"));
    const auto kind = pusher::classify_channel(name);
    if (info.user_count && !pusher::is_presence(kind)) {
        return error_reply(RestError{400,
                                     "info=user_count is only available for presence "
                                     "channels, and " +
                                             quote_for_message(name) + " is a " +
                                             std::string(pusher::describe(kind)) + " channel"});
    }
    return json_reply(channel_body(channels.channel(app, name), kind, info));
}

Response RestApi::Impl::channel_users(const App& app, const std::string& name) {
    if (auto error = check_path_channel(name, app.limits)) {
        return error_reply(*error);
    }
    const auto kind = pusher::classify_channel(name);
    if (!pusher::is_presence(kind)) {
        return error_reply(RestError{400, "Users can only be listed for presence channels, and " +
                                                  quote_for_message(name) + " is a " +
                                                  std::string(pusher::describe(kind)) +
                                                  " channel"});
    }
    return json_reply(users_body(channels.presence_users(app, name)));
}

Response RestApi::Impl::terminate(const App& app, const std::string& user_id,
                                  std::string_view body) {
    if (user_id.empty()) {
        return error_reply(RestError{400, "Missing user id in the path"});
    }
    if (auto error = check_empty_object_body(body)) {
        return error_reply(*error);
    }
    channels.terminate_user(app, user_id);
    return json_reply("{}");
}

http::Response RestApi::trigger_trusted(const App& app, std::string_view body) {
    Observation seen;
    seen.counted = true;
    seen.route = RestRoute::Events;
    seen.app = impl_->apps.slot_of(app.id);
    auto response = app.enabled ? impl_->trigger(app, parse_trigger_body(body, app.limits), false,
                                                 impl_->now_seconds())
                                : app_disabled(app);
    seen.answered(impl_->options.metrics, response.status);
    return response;
}

RestApi::RestApi(const AppRegistry& apps, ChannelService& channels, RestOptions options)
    : impl_(std::make_unique<Impl>(apps, channels, std::move(options))) {}

RestApi::~RestApi() = default;

bool RestApi::handles(std::string_view path) noexcept {
    return path == "/" || path == "/up" || path.starts_with("/apps/");
}

std::optional<std::string> RestApi::app_id_of(std::string_view path) {
    auto target = match(path);
    if (!target) {
        return std::nullopt;
    }
    return std::move(target->app_id);
}

http::Response RestApi::handle(const http::Request& request) {
    return *impl_->handle(request, nullptr);
}

std::optional<http::Response> RestApi::handle(const http::Request& request, web::Deferral& later) {
    return impl_->handle(request, &later);
}

}  // namespace herald::server
