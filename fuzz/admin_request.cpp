// fuzz/admin_request.cpp
//
// Arbitrary requests to the dashboard's admin API (AdminApi::answer), with a token set and a
// ChannelService that records calls. Input: a mode byte, then "<method>\n<target>\n", header
// lines "Name: value\n" up to an empty line, then the body. Mode 'l' logs in first and adds the
// session's cookie, CSRF token and this listener's Origin (so the fuzzer reaches the routes
// behind them); any other mode sends the bytes as they are. Properties: no crash, a known
// status, a JSON answer is an object, the app's secret is never in an answer (in a JSON answer,
// in its decoded strings; unless the request itself carried it), and an event is
// published only by a POST that carries the session and its CSRF token.
#include <atomic>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz/fuzz_input.h"
#include <simdjson.h>

#include "herald/server/admin_api.h"
#include "herald/server/rest_testing.h"

namespace {

using herald::fuzzing::check;
using herald::fuzzing::next_line;

namespace http = herald::http;
namespace server = herald::server;
using server::rest_testing::RecordingService;

constexpr std::string_view kToken = "a-long-admin-token";
constexpr std::string_view kHost = "127.0.0.1:9601";

struct Now final : herald::web::Deferral {
    herald::web::Responder defer() override {
        std::abort();  // nothing defers without an off-loop runner
    }
};

struct World {
    server::AppRegistry apps{{server::rest_testing::vector_app({})}};
    RecordingService service;
    server::RestApi rest{apps, service,
                         server::RestOptions{[] { return server::rest_testing::kNow; },
                                             herald::pusher::kRestTimestampWindow,
                                             {}}};
    server::DebugFeed feed{apps.capacity()};
    server::StatsHistory stats;
    std::vector<std::atomic<std::size_t>> connections =
            std::vector<std::atomic<std::size_t>>(apps.capacity());
    server::AdminApi api{server::AdminApiParts{apps,
                                               service,
                                               {},
                                               rest,
                                               feed,
                                               stats,
                                               connections,
                                               [] { return std::string("{}"); },
                                               {},
                                               {}},
                         std::string(kToken)};
};

// Whether any key or string value of `element`, decoded, holds `text`.
bool mentions(simdjson::dom::element element, std::string_view text) {
    switch (element.type()) {
        case simdjson::dom::element_type::STRING:
            return element.get_string().value_unsafe().find(text) != std::string_view::npos;
        case simdjson::dom::element_type::ARRAY: {
            const simdjson::dom::array array = element.get_array().value_unsafe();
            for (const simdjson::dom::element item : array) {
                if (mentions(item, text)) {
                    return true;
                }
            }
            return false;
        }
        case simdjson::dom::element_type::OBJECT: {
            const simdjson::dom::object object = element.get_object().value_unsafe();
            for (const simdjson::dom::key_value_pair field : object) {
                if (field.key.find(text) != std::string_view::npos || mentions(field.value, text)) {
                    return true;
                }
            }
            return false;
        }
        default:
            return false;
    }
}

http::Response ask(World& world, const http::Request& request) {
    Now now;
    auto response = world.api.answer(request, now);
    check(response.has_value());
    return *response;
}

// The cookie and CSRF token of a fresh login.
std::pair<std::string, std::string> log_in(World& world) {
    http::Request login;
    login.method = "POST";
    login.target = "/api/admin/login";
    login.body = "token=" + std::string(kToken);
    login.fields.add("Host", std::string(kHost));
    login.fields.add("Origin", "http://" + std::string(kHost));
    const auto response = ask(world, login);
    check(response.status == 200);
    const auto cookie = std::string(response.fields.get("Set-Cookie").value_or(""));
    const auto at = response.body.find(R"("csrf":")");
    check(at != std::string::npos);
    return {cookie.substr(0, cookie.find(';')), response.body.substr(at + 8, 64)};
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size) {
    std::string_view input(reinterpret_cast<const char*>(bytes), size);
    const bool logged_in = !input.empty() && input.front() == 'l';
    input.remove_prefix(input.empty() ? 0 : 1);
    World world;
    http::Request request;
    request.method = next_line(input);
    request.target = next_line(input);
    if (request.target.empty() || request.target.front() != '/') {
        request.target = "/" + request.target;
    }
    request.fields.add("Host", std::string(kHost));
    bool has_csrf = false;
    for (auto line = next_line(input); !line.empty(); line = next_line(input)) {
        const auto colon = line.find(':');
        if (colon == std::string::npos) {
            break;
        }
        auto value = line.substr(colon + 1);
        value.erase(0, value.find_first_not_of(' '));
        request.fields.add(line.substr(0, colon), value);
    }
    if (logged_in) {
        const auto [cookie, csrf] = log_in(world);
        request.fields.set("Cookie", cookie);
        request.fields.set("X-Herald-CSRF", csrf);
        request.fields.set("Origin", "http://" + std::string(kHost));
        has_csrf = true;
    }
    request.body = std::string(input);
    const auto response = ask(world, request);
    const auto s = response.status;
    check(s == 200 || s == 400 || s == 401 || s == 403 || s == 404 || s == 405 || s == 413 ||
          s == 429);
    // Never told by the server: only echoed when the request itself carried it.
    const auto secret = server::rest_testing::kSecret;
    const bool asked_with_secret = request.target.find(secret) != std::string::npos ||
                                   request.body.find(secret) != std::string::npos;
    check(world.service.published.empty() || (has_csrf && request.method == "POST" && s == 200));
    if (response.fields.get("Content-Type") == "application/json") {
        thread_local simdjson::dom::parser parser;
        simdjson::dom::element root;
        check(parser.parse(response.body).get(root) == simdjson::SUCCESS);
        check(root.type() == simdjson::dom::element_type::OBJECT);
        // In JSON the secret is looked for in the decoded strings: an echoed control character
        // escaped as "\u0017" next to "ad37..." is not the secret "7ad37...".
        check(asked_with_secret || !mentions(root, secret));
    } else {
        check(asked_with_secret || response.body.find(secret) == std::string::npos);
    }
    return 0;
}
