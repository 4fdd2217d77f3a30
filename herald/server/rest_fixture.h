// herald/server/rest_fixture.h
//
// The GoogleTest fixture of the REST API tests: app 3 of §8.12 (limits chosen by the test) and
// a disabled app 4 behind one RestApi whose clock reads now_.
// Owner: one test.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include <gtest/gtest.h>

#include "herald/server/rest_api.h"
#include "herald/server/rest_testing.h"

namespace herald::server::rest_testing {

// App 3 (§8.12) with `limits`, and a disabled app 4, behind one RestApi at time now_.
class RestFixture : public ::testing::Test {
protected:
    explicit RestFixture(AppLimits limits = {}) : apps_(make_apps(limits)) {}

    static AppRegistry make_apps(const AppLimits& limits) {
        App off;
        off.id = "4";
        off.key = "off-key";
        off.secret = "off-secret";
        off.enabled = false;
        return AppRegistry({vector_app(limits), off});
    }

    [[nodiscard]] const App& app() const { return *apps_.by_id(kAppId); }

    http::Response send(const http::Request& request) { return api_.handle(request); }

    http::Response get(std::string_view path, const pusher::QueryParams& params = {}) {
        return send(signed_request(app(), "GET", path, params));
    }

    http::Response post(std::string_view path, std::string body) {
        return send(signed_request(app(), "POST", path, {}, std::move(body), now_));
    }

    std::int64_t now_ = kNow;
    AppRegistry apps_;
    RecordingService service_;
    RestApi api_{apps_, service_,
                 RestOptions{[this] { return now_; }, pusher::kRestTimestampWindow, {}}};
};

inline std::string content_type(const http::Response& response) {
    return std::string(response.fields.get("Content-Type").value_or(""));
}

}  // namespace herald::server::rest_testing
