#include "herald/webhooks/curl_transport.h"

#include <mutex>
#include <stdexcept>
#include <utility>

#include <curl/curl.h>

namespace herald::webhooks {

namespace {

CURLM* multi_of(void* p) {
    return static_cast<CURLM*>(p);
}

std::size_t discard(char* /*data*/, std::size_t size, std::size_t count, void* /*user*/) {
    return size * count;
}

constexpr long kStatusOkFirst = 200;
constexpr long kStatusOkLast = 299;
constexpr long kMaxCachedConnections = 64;

}  // namespace

struct CurlTransport::Transfer {
    std::uint64_t id = 0;
    CURL* easy = nullptr;
    curl_slist* headers = nullptr;

    ~Transfer() {
        curl_easy_cleanup(easy);
        curl_slist_free_all(headers);
    }
};

CurlTransport::CurlTransport() {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
    multi_ = curl_multi_init();
    if (multi_ == nullptr) {
        throw std::runtime_error("webhooks: curl_multi_init failed");
    }
    curl_multi_setopt(multi_of(multi_), CURLMOPT_MAXCONNECTS, kMaxCachedConnections);
}

CurlTransport::~CurlTransport() {
    for (auto& [easy, transfer] : transfers_) {
        curl_multi_remove_handle(multi_of(multi_), transfer->easy);
    }
    transfers_.clear();
    curl_multi_cleanup(multi_of(multi_));
}

void CurlTransport::start(const Outbound& request, std::chrono::milliseconds timeout) {
    auto transfer = std::make_unique<Transfer>();
    transfer->id = request.id;
    transfer->easy = curl_easy_init();
    if (transfer->easy == nullptr) {
        throw std::runtime_error("webhooks: curl_easy_init failed");
    }
    for (const auto& header :
         {std::string("Content-Type: application/json"), "X-Pusher-Key: " + request.key,
          "X-Pusher-Signature: " + request.signature, std::string("Expect:")}) {
        transfer->headers = curl_slist_append(transfer->headers, header.c_str());
    }
    auto* easy = transfer->easy;
    curl_easy_setopt(easy, CURLOPT_URL, request.url.c_str());
    curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(easy, CURLOPT_NOPROXY, "localhost,127.0.0.1,::1");
    curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(easy, CURLOPT_HTTPHEADER, transfer->headers);
    curl_easy_setopt(easy, CURLOPT_USERAGENT, "herald-webhooks");
    curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE,
                     static_cast<curl_off_t>(request.body.size()));
    curl_easy_setopt(easy, CURLOPT_COPYPOSTFIELDS, request.body.c_str());
    curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
    curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, discard);
    curl_multi_add_handle(multi_of(multi_), easy);
    transfers_.emplace(easy, std::move(transfer));
}

void CurlTransport::collect(std::vector<Completion>& done) {
    int left = 0;
    while (CURLMsg* message = curl_multi_info_read(multi_of(multi_), &left)) {
        if (message->msg != CURLMSG_DONE) {
            continue;
        }
        auto* easy = message->easy_handle;
        const auto found = transfers_.find(easy);
        if (found == transfers_.end()) {
            continue;
        }
        Completion completion;
        completion.id = found->second->id;
        if (message->data.result != CURLE_OK) {
            completion.error = curl_easy_strerror(message->data.result);
        } else {
            curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &completion.status);
            if (completion.status < kStatusOkFirst || completion.status > kStatusOkLast) {
                completion.error = "HTTP status " + std::to_string(completion.status);
            }
        }
        curl_multi_remove_handle(multi_of(multi_), easy);
        transfers_.erase(found);
        done.push_back(std::move(completion));
    }
}

std::vector<Completion> CurlTransport::wait(std::chrono::milliseconds timeout) {
    std::vector<Completion> done;
    int running = 0;
    curl_multi_perform(multi_of(multi_), &running);
    collect(done);
    if (!done.empty()) {
        return done;
    }
    curl_multi_poll(multi_of(multi_), nullptr, 0, static_cast<int>(timeout.count()), nullptr);
    curl_multi_perform(multi_of(multi_), &running);
    collect(done);
    return done;
}

void CurlTransport::wakeup() {
    curl_multi_wakeup(multi_of(multi_));
}

}  // namespace herald::webhooks
