#include "herald/webhooks/curl_transport.h"

#include <stdexcept>
#include <utility>

#include <curl/curl.h>

namespace herald::webhooks {

namespace {

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

    Transfer() = default;
    Transfer(const Transfer&) = delete;
    Transfer& operator=(const Transfer&) = delete;

    ~Transfer() {
        curl_easy_cleanup(easy);
        curl_slist_free_all(headers);
    }
};

CurlTransport::CurlTransport() : multi_(kMaxCachedConnections) {}

CurlTransport::~CurlTransport() {
    for (auto& [easy, transfer] : transfers_) {
        multi_.remove(easy);
    }
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
    // Checked by header_problem: no reserved name, no CR/LF. libcurl reads "Name:" as "remove
    // this header", so an empty value is written as "Name;", its form for an empty header.
    for (const auto& extra : request.headers) {
        const auto line = extra.value.empty() ? extra.name + ';' : extra.name + ": " + extra.value;
        transfer->headers = curl_slist_append(transfer->headers, line.c_str());
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
    if (auto added = multi_.add(easy); !added) {
        throw std::runtime_error("webhooks: libcurl refused a request: " + added.error());
    }
    transfers_.emplace(easy, std::move(transfer));
}

std::vector<Completion> CurlTransport::wait(std::chrono::milliseconds timeout) {
    std::vector<Completion> done;
    for (const auto& finished : multi_.run(timeout)) {
        const auto found = transfers_.find(finished.easy);
        if (found == transfers_.end()) {
            continue;
        }
        Completion completion;
        completion.id = found->second->id;
        const auto code = static_cast<CURLcode>(finished.code);
        if (code != CURLE_OK) {
            completion.error = curl_easy_strerror(code);
        } else {
            curl_easy_getinfo(finished.easy, CURLINFO_RESPONSE_CODE, &completion.status);
            if (completion.status < kStatusOkFirst || completion.status > kStatusOkLast) {
                completion.error = "HTTP status " + std::to_string(completion.status);
            }
        }
        transfers_.erase(found);
        done.push_back(std::move(completion));
    }
    return done;
}

void CurlTransport::wakeup() {
    multi_.wakeup();
}

}  // namespace herald::webhooks
