// herald/sdk/client_state.h
//
// What a Client holds, shared by its files (client.cpp for the REST calls and signing,
// client_async.cpp for the background calls and the process-wide client), and the one place that
// turns an HTTP outcome into a JSON answer or the matching exception.
// Owner: the Client.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "herald/sdk/async_http.h"
#include "herald/sdk/client.h"
#include "herald/sdk/sync_http.h"

namespace herald::sdk {

struct Client::State {
    State(Options opts, Endpoint where, HttpSettings settings)
        : options(std::move(opts)), endpoint(std::move(where)), http(settings), sync(settings) {}

    void log(LogLevel level, const std::string& text) const;

    // Runs an asynchronous call's callback on the background thread; what it throws is logged.
    void deliver(const Callback& callback, AsyncResult result) const;

    // The background thread, started by the first asynchronous call.
    AsyncHttp& async();

    Options options;
    Endpoint endpoint;
    std::optional<std::string> master_key;  // 32 raw bytes
    HttpSettings http;
    SyncHttp sync;
    std::mutex async_mutex;
    std::unique_ptr<AsyncHttp> async_http;  // guarded by async_mutex
};

// The server's JSON answer, or the exception for `result`: NetworkError without an answer,
// AuthenticationError for 401/403, HttpError for any other status outside 2xx, sdk::Error for a
// 2xx body that is not JSON. An empty 2xx body reads as {}.
[[nodiscard]] Json interpret(const SignedRequest& request, const HttpResult& result);

}  // namespace herald::sdk
