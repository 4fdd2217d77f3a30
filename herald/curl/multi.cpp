#include "herald/curl/multi.h"

#include <algorithm>
#include <climits>
#include <stdexcept>

#include <curl/curl.h>

#include "herald/curl/init.h"

namespace herald::curl {

Multi::Multi(long max_connects) {
    ensure_init();
    multi_ = curl_multi_init();
    if (multi_ == nullptr) {
        throw std::runtime_error("libcurl could not make a multi handle");
    }
    if (max_connects > 0) {
        curl_multi_setopt(multi_, CURLMOPT_MAXCONNECTS, max_connects);
    }
}

Multi::~Multi() {
    for (void* easy : easies_) {
        curl_multi_remove_handle(multi_, easy);
    }
    curl_multi_cleanup(multi_);
}

util::Result<void, std::string> Multi::add(void* easy) {
    const CURLMcode code = curl_multi_add_handle(multi_, easy);
    if (code != CURLM_OK) {
        return util::unexpected(std::string(curl_multi_strerror(code)));
    }
    easies_.insert(easy);
    return {};
}

void Multi::remove(void* easy) {
    if (easies_.erase(easy) > 0) {
        curl_multi_remove_handle(multi_, easy);
    }
}

std::vector<Finished> Multi::run(std::chrono::milliseconds timeout) {
    std::vector<Finished> finished;
    perform(finished);
    if (!finished.empty()) {
        return finished;
    }
    const auto wait_ms = std::clamp<std::chrono::milliseconds::rep>(timeout.count(), 0, INT_MAX);
    curl_multi_poll(multi_, nullptr, 0, static_cast<int>(wait_ms), nullptr);
    perform(finished);
    return finished;
}

void Multi::perform(std::vector<Finished>& finished) {
    int still_running = 0;
    curl_multi_perform(multi_, &still_running);
    int left = 0;
    while (CURLMsg* message = curl_multi_info_read(multi_, &left)) {
        if (message->msg != CURLMSG_DONE) {
            continue;
        }
        void* easy = message->easy_handle;
        const CURLcode code = message->data.result;  // read before the removal frees `message`
        curl_multi_remove_handle(multi_, easy);
        if (easies_.erase(easy) > 0) {
            finished.push_back(Finished{easy, static_cast<int>(code)});
        }
    }
}

void Multi::wakeup() {
    curl_multi_wakeup(multi_);
}

}  // namespace herald::curl
