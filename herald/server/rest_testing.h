// herald/server/rest_testing.h
//
// Test helpers for the REST API (unit tests and the rest_request fuzz target): a ChannelService
// that records every call and answers from tables the test fills, the §8.12 credentials, and
// signed request builders.
// Owner: one test; RecordingService may be called from several threads at once.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "herald/http/message.h"
#include "herald/pusher/rest_signature.h"
#include "herald/server/app.h"
#include "herald/server/channel_service.h"

namespace herald::server::rest_testing {

// §8.12: app 3 and its credentials, at the vectors' timestamp.
inline constexpr std::string_view kAppId = "3";
inline constexpr std::string_view kKey = "278d425bdf160c739803";
inline constexpr std::string_view kSecret = "7ad3773142a6692b25b8";
inline constexpr std::int64_t kNow = 1353088179;

class RecordingService final : public ChannelService {
public:
    void publish_everywhere(const App& app, const Publication& publication) override {
        const std::lock_guard lock(mutex_);
        ++calls;
        apps_seen.push_back(app.id);
        published.push_back(publication);
    }

    ChannelState channel(const App& /*app*/, std::string_view name) override {
        const std::lock_guard lock(mutex_);
        ++calls;
        asked.emplace_back(name);
        const auto it = states.find(std::string(name));
        return it == states.end() ? ChannelState{} : it->second;
    }

    std::vector<ChannelSummary> channels(const App& /*app*/, std::string_view prefix) override {
        const std::lock_guard lock(mutex_);
        ++calls;
        prefixes.emplace_back(prefix);
        std::vector<ChannelSummary> out;
        for (const auto& s : summaries) {
            if (s.name.starts_with(prefix)) {
                out.push_back(s);
            }
        }
        return out;
    }

    std::vector<std::string> presence_users(const App& /*app*/, std::string_view channel) override {
        const std::lock_guard lock(mutex_);
        ++calls;
        const auto it = members.find(std::string(channel));
        return it == members.end() ? std::vector<std::string>{} : it->second;
    }

    void terminate_user(const App& /*app*/, std::string_view user_id) override {
        const std::lock_guard lock(mutex_);
        ++calls;
        terminated.emplace_back(user_id);
    }

    // Answers, filled by the test before the calls.
    std::map<std::string, ChannelState> states;
    std::vector<ChannelSummary> summaries;
    std::map<std::string, std::vector<std::string>> members;

    // What was asked, in order.
    std::size_t calls = 0;
    std::vector<std::string> apps_seen;
    std::vector<Publication> published;
    std::vector<std::string> asked;
    std::vector<std::string> prefixes;
    std::vector<std::string> terminated;

private:
    std::mutex mutex_;
};

// App 3 with the §8.12 credentials, and the given limits.
inline App vector_app(AppLimits limits = {}) {
    App app;
    app.id = std::string(kAppId);
    app.key = std::string(kKey);
    app.secret = std::string(kSecret);
    app.limits = limits;
    return app;
}

// A request for `path` (as sent on the wire) signed over `signed_path` (its decoded form).
inline http::Request signed_request(const App& app, std::string method, std::string_view path,
                                    const pusher::QueryParams& params = {}, std::string body = {},
                                    std::int64_t timestamp = kNow,
                                    std::string_view signed_path = {}) {
    http::Request request;
    request.method = std::move(method);
    const auto signing_path = signed_path.empty() ? path : signed_path;
    request.target = std::string(path) + "?" +
                     pusher::signed_query(app.key, app.secret, request.method, signing_path, params,
                                          body, timestamp);
    request.body = std::move(body);
    return request;
}

inline http::Request raw_request(std::string method, std::string target, std::string body = {}) {
    http::Request request;
    request.method = std::move(method);
    request.target = std::move(target);
    request.body = std::move(body);
    return request;
}

}  // namespace herald::server::rest_testing
