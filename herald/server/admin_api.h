// herald/server/admin_api.h
//
// The dashboard and the JSON admin API behind it, on the admin listener (docs/OPERATIONS.md,
// "Dashboard" and "Admin API"): GET /dashboard and its files, /api/admin/session, login and
// logout, the apps, an app's channels and one channel, the event creator, the chart history,
// the node view, and the console stream (Server-Sent Events). With an admin token every route
// but the page's files, session and login needs a session cookie; every POST needs the
// session's CSRF token and an Origin of the listener itself. Secrets never leave the server.
// Owner: the server; answer() and the stream calls run on any worker.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "herald/http/message.h"
#include "herald/pusher/member.h"
#include "herald/server/admin_sessions.h"
#include "herald/server/app.h"
#include "herald/server/channel_service.h"
#include "herald/server/debug_feed.h"
#include "herald/server/rest_api.h"
#include "herald/server/stats_history.h"
#include "herald/web/event_stream.h"
#include "herald/web/responder.h"

namespace herald::server {

struct AdminApiParts {
    const AppRegistry& apps;
    ChannelService& channels;  // cluster-wide answers, as the REST API gets them
    // A presence channel's members with their user_info, on every node (app slot, channel).
    std::function<std::vector<pusher::Member>(std::size_t, const std::string&)> roster;
    RestApi& rest;
    DebugFeed& feed;
    const StatsHistory& stats;
    const std::vector<std::atomic<std::size_t>>& connections;  // open connections by app slot
    // The node view's JSON object (GET /api/admin/node).
    std::function<std::string()> node;
    // Runs a job away from the workers (channel listings); false when it cannot take one more.
    std::function<bool(std::function<void()>)> off_loop;
    // The dashboard's file at `path` under /dashboard ("" for the page), if there is one.
    std::function<std::optional<http::Response>(std::string_view path)> page;
};

class AdminApi {
public:
    AdminApi(AdminApiParts parts, std::optional<std::string> token);

    // True for /dashboard, /dashboard/... and /api/admin/...
    [[nodiscard]] static bool handles(std::string_view path) noexcept;

    [[nodiscard]] std::optional<http::Response> answer(const http::Request& request,
                                                       web::Deferral& later);

    // The event-stream gate: nothing lets GET /api/admin/stream open; an answer refuses it.
    [[nodiscard]] std::optional<http::Response> admit_stream(const http::Request& request);
    // The stream admit_stream() let through.
    void open_stream(const web::EventStreamPtr& stream);

private:
    std::optional<http::Response> route(const http::Request& request, web::Deferral& later);
    std::optional<http::Response> app_route(const http::Request& request, std::string_view rest,
                                            web::Deferral& later);
    http::Response session(const http::Request& request);
    http::Response login(const http::Request& request);
    http::Response channel(const App& app, const std::string& name);
    http::Response trigger(const App& app, const http::Request& request);
    std::optional<http::Response> channels(AppPtr app, web::Deferral& later);
    [[nodiscard]] std::string apps_json() const;
    // Refuses a POST without the session's CSRF token or with a foreign Origin.
    [[nodiscard]] std::optional<http::Response> check_post(
            const http::Request& request, const AdminSessions::Session& session) const;
    [[nodiscard]] bool failed_login_allowed();

    AdminApiParts parts_;
    AdminSessions sessions_;
    std::mutex failures_mutex_;
    std::chrono::steady_clock::time_point failures_window_{};
    std::size_t failures_ = 0;
};

// Answers of the admin listener that are JSON: `{"error": message}` with `status`, and a body.
[[nodiscard]] http::Response admin_error(unsigned status, std::string_view message);
[[nodiscard]] http::Response admin_json(std::string body, unsigned status = 200);

// Whether `host` names a loopback address (127.0.0.0/8, ::1, localhost).
[[nodiscard]] bool is_loopback_host(std::string_view host) noexcept;

}  // namespace herald::server
