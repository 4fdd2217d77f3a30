// herald/sdk/sync_http.h
//
// Blocking requests for the SDK's synchronous calls, from any thread. A small pool of libcurl
// easy handles: each keeps its connections open between requests (HTTP keep-alive), and
// concurrent callers each take their own handle instead of waiting for one.
// Owner: the client; perform() is thread-safe.
#pragma once

#include <mutex>
#include <vector>

#include "herald/sdk/http_transfer.h"

namespace herald::sdk {

class SyncHttp {
public:
    explicit SyncHttp(HttpSettings settings);
    ~SyncHttp();
    SyncHttp(const SyncHttp&) = delete;
    SyncHttp& operator=(const SyncHttp&) = delete;

    [[nodiscard]] HttpResult perform(SignedRequest request);

private:
    void* take();
    void give_back(void* easy);

    static constexpr std::size_t kMaxIdleHandles = 4;

    HttpSettings settings_;
    std::mutex mutex_;
    std::vector<void*> idle_;
};

}  // namespace herald::sdk
