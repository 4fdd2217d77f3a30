#include <mutex>

#include "herald/sdk/client.h"
#include "herald/sdk/client_state.h"

namespace herald::sdk {

// A callback that throws must neither end the background thread nor vanish without a trace:
// what it threw goes to the logger. (AsyncHttp still swallows a logger that throws in turn.)
void Client::State::deliver(const Callback& callback, AsyncResult result) const {
    std::string what;
    try {
        callback(std::move(result));
        return;
    } catch (const std::exception& e) {
        what = e.what();
    } catch (...) {
        what = "something that is not a std::exception";
    }
    log(LogLevel::Error, "the callback of an asynchronous call threw: " + what);
}

AsyncHttp& Client::State::async() {
    const std::lock_guard lock(async_mutex);
    if (!async_http) {
        async_http = std::make_unique<AsyncHttp>(http);
    }
    return *async_http;
}

void Client::send_async(SignedRequest request, Callback callback) {
    state_->log(LogLevel::Debug, request.method + " " + request.path + " (async)");
    State* state = state_.get();
    SignedRequest copy = request;  // interpret() names the request in its errors
    state->async().submit(std::move(request), [state, copy = std::move(copy),
                                               callback = std::move(callback)](HttpResult r) {
        AsyncResult result;
        try {
            result.value = interpret(copy, r);
        } catch (const std::exception& e) {
            state->log(LogLevel::Warning, e.what());
            result.error = std::current_exception();
        }
        state->deliver(callback, std::move(result));
    });
}

std::future<Json> Client::send_future(SignedRequest request) {
    auto promise = std::make_shared<std::promise<Json>>();
    auto future = promise->get_future();
    send_async(std::move(request), [promise](AsyncResult result) {
        if (result.ok()) {
            promise->set_value(std::move(result.value));
        } else {
            promise->set_exception(result.error);
        }
    });
    return future;
}

std::future<Json> Client::trigger_async(const Channels& channels, std::string_view event,
                                        const Data& data, const TriggerParams& params) {
    return send_future(trigger_request(channels, event, data, params));
}

void Client::trigger_async(const Channels& channels, std::string_view event, const Data& data,
                           const TriggerParams& params, Callback callback) {
    send_async(trigger_request(channels, event, data, params), std::move(callback));
}

std::future<Json> Client::get_async(std::string_view path, const QueryParams& params) {
    return send_future(signed_request("GET", path, params, {}));
}

void Client::get_async(std::string_view path, const QueryParams& params, Callback callback) {
    send_async(signed_request("GET", path, params, {}), std::move(callback));
}

std::future<Json> Client::post_async(std::string_view path, const Json& body) {
    return send_future(signed_request("POST", path, {}, body.dump()));
}

void Client::post_async(std::string_view path, const Json& body, Callback callback) {
    send_async(signed_request("POST", path, {}, body.dump()), std::move(callback));
}

namespace {

std::mutex default_mutex;
std::shared_ptr<Client> default_instance;  // guarded by default_mutex

}  // namespace

std::shared_ptr<Client> default_client() {
    const std::lock_guard lock(default_mutex);
    if (!default_instance) {
        default_instance = std::make_shared<Client>(Options::from_env());
    }
    return default_instance;
}

void set_default_client(Options options) {
    auto client = std::make_shared<Client>(std::move(options));
    const std::lock_guard lock(default_mutex);
    default_instance = std::move(client);
}

}  // namespace herald::sdk
