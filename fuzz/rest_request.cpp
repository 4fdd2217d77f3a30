// fuzz/rest_request.cpp
//
// Arbitrary REST API requests through RestApi::handle, with a ChannelService that records calls.
// Input: a mode byte, then "<method>\n<target>\n<body>". Mode 's' re-signs the target (its path
// and query, with app 3's secret at the fixed time) to reach the handlers behind the signature
// check; any other mode sends the bytes as they are. Properties: no crash, the status is one of
// §8.1's, a JSON answer is an object, a 405 names what is allowed, and the service is reached
// only by a request that verify_rest_request accepts for app 3, and only to answer 200.
#include <cstdlib>
#include <string_view>
#include <utility>

#include "fuzz/fuzz_input.h"
#include <simdjson.h>

#include "herald/server/rest_api.h"
#include "herald/server/rest_testing.h"
#include "herald/util/parse.h"

namespace {

using herald::fuzzing::check;
using herald::fuzzing::next_line;

namespace http = herald::http;
namespace pusher = herald::pusher;
namespace server = herald::server;
using server::rest_testing::kKey;
using server::rest_testing::kNow;
using server::rest_testing::kSecret;
using server::rest_testing::raw_request;
using server::rest_testing::RecordingService;
using server::rest_testing::vector_app;

server::AppRegistry make_apps() {
    server::AppLimits limits;
    limits.max_batch_events = 3;
    limits.max_event_data_bytes = 64;
    limits.max_backend_events_per_second = 5;
    auto off = vector_app();  // same credentials: re-signed requests reach the 403
    off.id = "4";
    off.enabled = false;
    return server::AppRegistry({vector_app(limits), off});
}

bool authentic(const http::Request& r) {
    const auto path = herald::util::percent_decode(r.path());
    const auto verdict =
            pusher::verify_rest_request({r.method, path, r.query(), r.body}, kKey, kSecret, kNow);
    return r.path().starts_with("/apps/3/") && !verdict.error;
}

void fill(RecordingService& service) {
    service.summaries = {{"presence-a", 2}, {"#server-to-user-1", 0}, {"b", 0}};
    service.states["presence-a"] = server::ChannelState{true, 3, 2, std::nullopt, 0};
    service.states["cache-c"] =
            server::ChannelState{true, 1, 0, server::CachedEvent{"e", "\xff"}, 9};
    service.members["presence-a"] = {"1", "\"2\""};
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size) {
    static const auto kApps = make_apps();
    std::string_view input(reinterpret_cast<const char*>(bytes), size);
    const bool sign = !input.empty() && input.front() == 's';
    input.remove_prefix(input.empty() ? 0 : 1);
    auto method = next_line(input);
    auto request = raw_request(std::move(method), next_line(input));
    request.body = std::string(input);
    if (sign) {
        const std::string path(request.path());
        request.target = path + "?" +
                         pusher::signed_query(
                                 kKey, kSecret, request.method, herald::util::percent_decode(path),
                                 pusher::parse_query(request.query()), request.body, kNow);
    }
    RecordingService service;
    fill(service);
    server::RestOptions options;
    options.now_seconds = [] {
        return kNow;
    };
    server::RestApi api(kApps, service, std::move(options));
    const auto response = api.handle(request);
    const auto s = response.status;
    check(s == 200 || s == 400 || s == 401 || s == 403 || s == 404 || s == 405 || s == 413 ||
          s == 429);
    check(service.calls == 0 || (s == 200 && authentic(request)));
    check(s != 405 || response.fields.get("Allow").has_value());
    if (response.fields.get("Content-Type") == "application/json") {
        thread_local simdjson::dom::parser parser;
        simdjson::dom::object object;
        check(parser.parse(response.body).get(object) == simdjson::SUCCESS);
    }
    return 0;
}
