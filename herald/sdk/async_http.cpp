#include "herald/sdk/async_http.h"

#include <curl/curl.h>

namespace herald::sdk {

namespace {

constexpr auto kPoll = std::chrono::milliseconds(1000);  // an upper bound only: submit() and the
                                                         // destructor wake the poll

void complete(const AsyncHttp::Done& done, HttpResult result) noexcept {
    try {
        done(std::move(result));
    } catch (...) {  // NOLINT(bugprone-empty-catch): a throwing callback must not end the thread
    }
}

HttpResult no_answer(std::string reason) {
    return util::unexpected(NoAnswer{std::move(reason), false});
}

HttpResult abandoned() {
    return no_answer("the client was destroyed before the answer came");
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
    thread_ = std::thread([this] { run(); });
}

AsyncHttp::~AsyncHttp() {
    {
        const std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    multi_.wakeup();
    thread_.join();
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
    multi_.wakeup();
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
        for (const auto& finished : multi_.run(kPoll)) {
            finish(finished);
        }
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
            complete(job->done, no_answer("libcurl could not make a handle (out of memory?)"));
            continue;
        }
        job->transfer.attach(job->easy);
        if (auto added = multi_.add(job->easy); !added) {
            complete(job->done, no_answer("libcurl could not start the request: " + added.error()));
            continue;
        }
        void* easy = job->easy;
        running_.emplace(easy, std::move(job));
    }
}

void AsyncHttp::finish(const curl::Finished& finished) {
    const auto found = running_.find(finished.easy);
    if (found == running_.end()) {
        return;
    }
    const std::unique_ptr<Job> job = std::move(found->second);
    running_.erase(found);
    complete(job->done, job->transfer.finish(finished.easy, finished.code));
}

void AsyncHttp::abandon_all() {
    for (auto& [easy, job] : running_) {
        multi_.remove(easy);
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
