#include "herald/server/admin_api.h"

#include <map>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <simdjson.h>

#include "herald/pusher/channel.h"
#include "herald/pusher/rest_signature.h"
#include "herald/server/console_stream.h"
#include "herald/util/ascii.h"
#include "herald/util/digest.h"
#include "herald/util/json_writer.h"
#include "herald/util/parse.h"

namespace herald::server {

namespace {

constexpr std::string_view kApi = "/api/admin/";
constexpr std::string_view kPage = "/dashboard";
constexpr std::size_t kMaxFailedLoginsPerSecond = 5;

using Clock = AdminSessions::Clock;

std::string session_cookie(std::string_view id) {
    return fmt::format("{}={}; HttpOnly; SameSite=Strict; Path=/", kAdminCookie, id);
}

// {"authenticated":true,"token_required":...,"csrf":"..."} and the cookie of a new session.
http::Response session_reply(const AdminSessions::Session& session, bool token_required,
                             bool new_session) {
    util::JsonWriter json;
    json.begin_object()
            .key("authenticated")
            .boolean(true)
            .key("token_required")
            .boolean(token_required)
            .key("csrf")
            .string(session.csrf)
            .end_object();
    auto response = admin_json(json.take());
    if (new_session) {
        response.fields.set("Set-Cookie", session_cookie(session.id));
    }
    return response;
}

// The request's Origin is this listener itself (http:// and the Host it was asked by).
bool from_this_listener(const http::Request& request) {
    const auto origin = request.fields.get("Origin");
    const auto host = request.fields.get("Host");
    return origin && host && *origin == "http://" + std::string(*host);
}

// The first value of `key` in a form body (application/x-www-form-urlencoded).
std::optional<std::string> form_value(std::string_view body, std::string_view key) {
    for (const auto& param : pusher::parse_query(body)) {
        if (param.key == key) {
            return param.value;
        }
    }
    return std::nullopt;
}

// The page's event creator sends {"channel", "event", "data"}; the REST API reads its own body.
std::optional<std::string> rest_trigger_body(std::string_view body) {
    simdjson::dom::parser parser;
    simdjson::dom::element root;
    std::string_view channel;
    std::string_view event;
    std::string_view data;
    if (parser.parse(body.data(), body.size()).get(root) != simdjson::SUCCESS ||
        root["channel"].get_string().get(channel) != simdjson::SUCCESS ||
        root["event"].get_string().get(event) != simdjson::SUCCESS ||
        root["data"].get_string().get(data) != simdjson::SUCCESS) {
        return std::nullopt;
    }
    util::JsonWriter json;
    json.begin_object()
            .key("name")
            .string(event)
            .key("channel")
            .string(channel)
            .key("data")
            .string(data)
            .end_object();
    return json.take();
}

// A REST answer (JSON, or a text error) as the admin API's JSON.
http::Response from_rest(http::Response response) {
    if (response.status >= 400) {
        auto text = std::string(util::trim(response.body));
        return admin_error(response.status, text);
    }
    return admin_json("{}", response.status);
}

}  // namespace

http::Response admin_error(unsigned status, std::string_view message) {
    util::JsonWriter json;
    json.begin_object().key("error").string(message).end_object();
    return admin_json(json.take(), status);
}

http::Response admin_json(std::string body, unsigned status) {
    http::Response response;
    response.status = status;
    response.fields.add("Content-Type", "application/json");
    response.fields.add("Cache-Control", "no-store");
    response.body = std::move(body);
    return response;
}

bool is_loopback_host(std::string_view host) noexcept {
    if (host == "localhost" || host == "::1" || host == "[::1]") {
        return true;
    }
    return host.starts_with("127.") &&
           host.find_first_not_of("0123456789.") == std::string_view::npos;
}

AdminApi::AdminApi(AdminApiParts parts, std::optional<std::string> token)
    : parts_(std::move(parts)), sessions_(std::move(token)) {}

bool AdminApi::handles(std::string_view path) noexcept {
    return path == kPage || path.starts_with("/dashboard/") || path.starts_with(kApi);
}

std::optional<http::Response> AdminApi::answer(const http::Request& request, web::Deferral& later) {
    auto response = route(request, later);
    if (response) {
        response->fields.set("X-Content-Type-Options", "nosniff");
        response->fields.set("Referrer-Policy", "no-referrer");
        response->fields.set("X-Frame-Options", "DENY");
    }
    return response;
}

std::optional<http::Response> AdminApi::route(const http::Request& request, web::Deferral& later) {
    const auto path = request.path();
    if (!path.starts_with(kApi)) {
        if (request.method != "GET" && request.method != "HEAD") {
            return admin_error(405, "Method not allowed: use GET");
        }
        if (handles(path)) {  // /dashboard or /dashboard/...
            const auto file = path == kPage ? std::string_view{} : path.substr(kPage.size() + 1);
            if (auto page = parts_.page ? parts_.page(file) : std::nullopt) {
                return page;
            }
        }
        return http::text_response(404, "Not found: " + std::string(path) + "\n");
    }
    const auto what = path.substr(kApi.size());
    if (what == "session") {
        return session(request);
    }
    if (what == "login") {
        return login(request);
    }
    const auto now = Clock::now();
    const auto session = sessions_.find(request.fields.joined("Cookie"), now);
    if (!session) {
        return admin_error(401, "Log in first");
    }
    if (request.method == "POST") {
        if (auto refused = check_post(request, *session)) {
            return refused;
        }
    } else if (request.method != "GET") {
        return admin_error(405, "Method not allowed: use GET or POST");
    }
    if (what == "logout" && request.method == "POST") {
        sessions_.end(session->id);
        auto response = admin_json("{}", 200);
        response.fields.set("Set-Cookie", fmt::format("{}=; HttpOnly; SameSite=Strict; Path=/; "
                                                      "Max-Age=0",
                                                      kAdminCookie));
        return response;
    }
    if (request.method == "GET" && what == "apps") {
        return admin_json(apps_json());
    }
    if (request.method == "GET" && what == "stats") {
        return admin_json(parts_.stats.json());
    }
    if (request.method == "GET" && what == "node") {
        return admin_json(parts_.node());
    }
    if (what.starts_with("apps/")) {
        return app_route(request, what.substr(5), later);
    }
    return admin_error(404, "No admin API at " + std::string(path));
}

std::optional<http::Response> AdminApi::app_route(const http::Request& request,
                                                  std::string_view rest, web::Deferral& later) {
    const auto slash = rest.find('/');
    const auto id = util::percent_decode(rest.substr(0, slash));
    const auto app = parts_.apps.by_id(id);
    if (!app) {
        return admin_error(404, "Unknown app id \"" + id + "\"");
    }
    const auto tail = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash);
    if (tail == "/events" && request.method == "POST") {
        return trigger(*app, request);
    }
    if (tail == "/channels" && request.method == "GET") {
        return channels(app, later);
    }
    if (tail.starts_with("/channels/") && request.method == "GET") {
        return channel(*app, util::percent_decode(tail.substr(10)));
    }
    return admin_error(404, "No admin API at " + std::string(request.path()));
}

http::Response AdminApi::session(const http::Request& request) {
    if (request.method != "GET") {
        return admin_error(405, "Method not allowed: use GET");
    }
    const auto now = Clock::now();
    if (const auto found = sessions_.find(request.fields.joined("Cookie"), now)) {
        return session_reply(*found, sessions_.token_required(), false);
    }
    if (const auto opened = sessions_.open(now)) {
        return session_reply(*opened, false, true);
    }
    return admin_json(R"({"authenticated":false,"token_required":true})", 401);
}

http::Response AdminApi::login(const http::Request& request) {
    if (request.method != "POST") {
        return admin_error(405, "Method not allowed: use POST");
    }
    if (!from_this_listener(request)) {
        return admin_error(403, "Refused: the request does not come from this dashboard (Origin)");
    }
    if (!sessions_.token_required()) {
        return admin_error(400, "No admin token is set: open the dashboard without logging in");
    }
    if (!failed_login_allowed()) {
        return admin_error(429, "Too many failed logins; try again in a second");
    }
    const auto token = form_value(request.body, "token");
    const auto session = token ? sessions_.login(*token, Clock::now()) : std::nullopt;
    if (!session) {
        std::lock_guard lock(failures_mutex_);
        ++failures_;
        return admin_error(401, "Wrong token");
    }
    return session_reply(*session, true, true);
}

bool AdminApi::failed_login_allowed() {
    std::lock_guard lock(failures_mutex_);
    const auto now = Clock::now();
    if (now - failures_window_ >= std::chrono::seconds(1)) {
        failures_window_ = now;
        failures_ = 0;
    }
    return failures_ < kMaxFailedLoginsPerSecond;
}

std::optional<http::Response> AdminApi::check_post(const http::Request& request,
                                                   const AdminSessions::Session& session) const {
    const auto csrf = request.fields.get("X-Herald-CSRF");
    if (!csrf || !util::constant_time_equals(*csrf, session.csrf)) {
        return admin_error(403, "Refused: missing or wrong CSRF token (X-Herald-CSRF)");
    }
    if (!from_this_listener(request)) {
        return admin_error(403, "Refused: the request does not come from this dashboard (Origin)");
    }
    return std::nullopt;
}

std::string AdminApi::apps_json() const {
    util::JsonWriter json;
    json.begin_object().key("apps").begin_array();
    for (const auto& app : parts_.apps.apps()) {
        const auto slot = parts_.apps.index_of(*app);
        json.begin_object()
                .key("id")
                .string(app->id)
                .key("key")
                .string(app->key)
                .key("enabled")
                .boolean(app->enabled)
                .key("client_events")
                .boolean(app->client_events)
                .key("connections")
                .number(static_cast<std::uint64_t>(
                        parts_.connections[slot].load(std::memory_order_relaxed)))
                .end_object();
    }
    json.end_array().end_object();
    return json.take();
}

std::optional<http::Response> AdminApi::channels(AppPtr app, web::Deferral& later) {
    auto listing = [this, app] {
        util::JsonWriter json;
        json.begin_object().key("channels").begin_array();
        for (const auto& channel : parts_.channels.channels(*app, "")) {
            const auto kind = pusher::classify_channel(channel.name);
            json.begin_object()
                    .key("name")
                    .string(channel.name)
                    .key("type")
                    .string(pusher::describe(kind))
                    .key("subscription_count")
                    .number(channel.subscription_count);
            if (pusher::is_presence(kind)) {
                json.key("user_count").number(channel.user_count);
            }
            json.end_object();
        }
        json.end_array().end_object();
        return admin_json(json.take());
    };
    if (!parts_.off_loop) {
        return listing();
    }
    // A refused job takes its Responder along, which answers 503 when it goes.
    (void)parts_.off_loop([listing, answer = later.defer()] { answer(listing()); });
    return std::nullopt;
}

http::Response AdminApi::channel(const App& app, const std::string& name) {
    if (const auto fault = pusher::check_channel_name(name, app.limits.max_channel_name_length)) {
        return admin_error(400, "Invalid channel name \"" + name +
                                        "\": " + std::string(pusher::describe(*fault)));
    }
    const auto kind = pusher::classify_channel(name);
    const auto state = parts_.channels.channel(app, name);
    util::JsonWriter json;
    json.begin_object()
            .key("name")
            .string(name)
            .key("type")
            .string(pusher::describe(kind))
            .key("occupied")
            .boolean(state.occupied)
            .key("subscription_count")
            .number(state.subscription_count);
    if (pusher::is_presence(kind)) {
        json.key("user_count").number(state.user_count).key("members").begin_array();
        const auto slot = parts_.apps.index_of(app);
        std::map<std::string, std::string> infos;
        for (auto& member :
             parts_.roster ? parts_.roster(slot, name) : std::vector<pusher::Member>{}) {
            infos[std::move(member.user_id)] = std::move(member.user_info);
        }
        for (const auto& user : parts_.channels.presence_users(app, name)) {
            json.begin_object().key("id").string(user).key("info");
            // user_info is JSON the member's auth signed; a member just gone shows null.
            if (const auto info = infos.find(user); info != infos.end() && !info->second.empty()) {
                json.raw(info->second);
            } else {
                json.null();
            }
            json.end_object();
        }
        json.end_array();
    }
    if (state.cache) {
        json.key("cache")
                .begin_object()
                .key("event")
                .string(state.cache->event)
                .key("data")
                .string(state.cache->data)
                .key("ttl")
                .number(state.cache_ttl_seconds)
                .end_object();
    }
    json.end_object();
    return admin_json(json.take());
}

http::Response AdminApi::trigger(const App& app, const http::Request& request) {
    const auto body = rest_trigger_body(request.body);
    if (!body) {
        return admin_error(400, R"(Send a JSON object with "channel", "event" and "data" strings)");
    }
    return from_rest(parts_.rest.trigger_trusted(app, *body));
}

std::optional<http::Response> AdminApi::admit_stream(const http::Request& request) {
    if (request.path() != "/api/admin/stream") {
        return admin_error(404, "No event stream at " + std::string(request.path()));
    }
    if (!sessions_.find(request.fields.joined("Cookie"), Clock::now())) {
        return admin_error(401, "Log in first");
    }
    const auto params = pusher::parse_query(request.query());
    for (const auto& p : params) {
        if (p.key == "app" && !parts_.apps.by_id(p.value)) {
            return admin_error(404, "Unknown app id \"" + p.value + "\"");
        }
    }
    return std::nullopt;
}

void AdminApi::open_stream(const web::EventStreamPtr& stream) {
    std::optional<std::size_t> slot;
    const auto& url = stream->url();
    const auto query = url.find('?');
    for (const auto& p : pusher::parse_query(query == std::string::npos
                                                     ? std::string_view{}
                                                     : std::string_view(url).substr(query + 1))) {
        if (p.key == "app") {
            slot = parts_.apps.slot_of(p.value);
        }
    }
    ConsoleStream::open(stream, parts_.feed, parts_.stats, slot);
}

}  // namespace herald::server
