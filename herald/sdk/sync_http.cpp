#include "herald/sdk/sync_http.h"

#include <stdexcept>

#include <curl/curl.h>

#include "herald/curl/init.h"

namespace herald::sdk {

SyncHttp::SyncHttp(HttpSettings settings) : settings_(std::move(settings)) {
    curl::ensure_init();
}

SyncHttp::~SyncHttp() {
    for (void* easy : idle_) {
        curl_easy_cleanup(easy);
    }
}

HttpResult SyncHttp::perform(SignedRequest request) {
    Transfer transfer(settings_, std::move(request));
    void* easy = take();
    transfer.attach(easy);
    const CURLcode code = curl_easy_perform(easy);
    HttpResult result = transfer.finish(easy, code);
    give_back(easy);
    return result;
}

void* SyncHttp::take() {
    {
        const std::lock_guard lock(mutex_);
        if (!idle_.empty()) {
            void* easy = idle_.back();
            idle_.pop_back();
            return easy;
        }
    }
    void* easy = curl_easy_init();
    if (easy == nullptr) {
        throw std::runtime_error("libcurl could not make a handle (out of memory?)");
    }
    return easy;
}

void SyncHttp::give_back(void* easy) {
    const std::lock_guard lock(mutex_);
    if (idle_.size() < kMaxIdleHandles) {
        idle_.push_back(easy);
        return;
    }
    curl_easy_cleanup(easy);
}

}  // namespace herald::sdk
