#include "herald/server/admin_routes.h"

#include <array>
#include <string_view>

namespace herald::server {

namespace {

constexpr std::array<std::string_view, 3> kPaths = {"/metrics", "/healthz", "/readyz"};

bool known(std::string_view path) {
    for (const auto p : kPaths) {
        if (p == path) {
            return true;
        }
    }
    return false;
}

}  // namespace

http::Response AdminRoutes::answer(const http::Request& request) const {
    auto response = route(request);
    // One request per connection: a scraper or a probe asks once per interval, and no idle
    // connection stays behind on the workers between two asks.
    response.fields.set("Connection", "close");
    return response;
}

http::Response AdminRoutes::route(const http::Request& request) const {
    const auto path = request.path();
    if (!known(path)) {
        return http::text_response(
                404, "Not found: " + std::string(path) + " (try /metrics, /healthz or /readyz)\n");
    }
    if (request.method != "GET") {
        auto response = http::text_response(405, "Method not allowed: use GET\n");
        response.fields.set("Allow", "GET");
        return response;
    }
    if (path == "/healthz") {
        return http::text_response(200, "ok\n");
    }
    if (path == "/readyz") {
        const auto reason = not_ready_();
        return reason ? http::text_response(503, *reason + "\n")
                      : http::text_response(200, "ready\n");
    }
    auto response = http::text_response(200, exposition_.text());
    response.fields.set("Content-Type", std::string(metrics::kContentType));
    return response;
}

}  // namespace herald::server
