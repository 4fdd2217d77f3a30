#include "herald/sdk/async_http.h"

#include <algorithm>
#include <stdexcept>

#include <curl/curl.h>

namespace herald::sdk {

namespace {

constexpr int kPollMs = 1000;  // an upper bound only: submit() and the destructor wake the poll

void complete(const AsyncHttp::Done& done, HttpResult result) noexcept {
    try {
        done(std::move(result));
    } catch (...) {  // NOLINT(bugprone-empty-catch): a throwing callback must not end the thread
    }
}

HttpResult abandoned() {
    HttpResult result;
    result.error = "the client was destroyed before the answer came";
    return result;
}

}  // namespace

struct AsyncHttp::Job {
    Job(const HttpSettings& settings, SignedRequest request, Done on_done)
        : transfer(settings, std::move(request)), done(std::move(on_done)) {}

    ~Job() {
        if (easy != nullptr) {
            curl_easy_cleanup(easy);
        }
    }

    Job(const Job&) = delete;
    Job& operator=(const Job&) = delete;

    Transfer transfer;
    Done done;
    void* easy = nullptr;
};

AsyncHttp::AsyncHttp(HttpSettings settings) : settings_(std::move(settings)) {
    ensure_curl();
    multi_ = curl_multi_init();
    if (multi_ == nullptr) {
        throw std::runtime_error("libcurl could not make a multi handle");
    }
    thread_ = std::thread([this] { run(); });
}

AsyncHttp::~AsyncHttp() {
    {
        const std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    curl_multi_wakeup(multi_);
    thread_.join();
    curl_multi_cleanup(multi_);
}

void AsyncHttp::submit(SignedRequest request, Done done) {
    auto job = std::make_unique<Job>(settings_, std::move(request), std::move(done));
    {
        const std::lock_guard lock(mutex_);
        if (!stopping_) {
            queued_.push_back(std::move(job));
        }
    }
    if (job) {  // the client is being destroyed: answer at once
        complete(job->done, abandoned());
        return;
    }
    curl_multi_wakeup(multi_);
}

void AsyncHttp::run() {
    for (;;) {
        {
            const std::lock_guard lock(mutex_);
            if (stopping_) {
                break;
            }
        }
        start_queued();
        int still_running = 0;
        curl_multi_perform(multi_, &still_running);
        finish_done();
        curl_multi_poll(multi_, nullptr, 0, kPollMs, nullptr);
    }
    abandon_all();
}

void AsyncHttp::start_queued() {
    std::deque<std::unique_ptr<Job>> fresh;
    {
        const std::lock_guard lock(mutex_);
        fresh.swap(queued_);
    }
    for (auto& job : fresh) {
        job->easy = curl_easy_init();
        if (job->easy == nullptr) {
            HttpResult result;
            result.error = "libcurl could not make a handle (out of memory?)";
            complete(job->done, std::move(result));
            continue;
        }
        job->transfer.attach(job->easy);
        curl_easy_setopt(job->easy, CURLOPT_PRIVATE, job.get());
        curl_multi_add_handle(multi_, job->easy);
        running_.push_back(std::move(job));
    }
}

void AsyncHttp::finish_done() {
    int left = 0;
    while (CURLMsg* message = curl_multi_info_read(multi_, &left)) {
        if (message->msg != CURLMSG_DONE) {
            continue;
        }
        void* easy = message->easy_handle;
        const CURLcode code = message->data.result;
        Job* raw = nullptr;
        curl_easy_getinfo(easy, CURLINFO_PRIVATE, &raw);
        curl_multi_remove_handle(multi_, easy);
        const auto it = std::find_if(running_.begin(), running_.end(),
                                     [raw](const auto& job) { return job.get() == raw; });
        if (it == running_.end()) {
            continue;
        }
        std::unique_ptr<Job> job = std::move(*it);
        running_.erase(it);
        complete(job->done, job->transfer.finish(easy, code));
    }
}

void AsyncHttp::abandon_all() {
    for (auto& job : running_) {
        curl_multi_remove_handle(multi_, job->easy);
        complete(job->done, abandoned());
    }
    running_.clear();
    std::deque<std::unique_ptr<Job>> rest;
    {
        const std::lock_guard lock(mutex_);
        rest.swap(queued_);
    }
    for (auto& job : rest) {
        complete(job->done, abandoned());
    }
}

}  // namespace herald::sdk
