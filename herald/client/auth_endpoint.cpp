#include "herald/client/auth_endpoint.h"

#include <memory>

#include <curl/curl.h>

#include "herald/curl/init.h"

namespace herald::client {

namespace {

bool unreserved(unsigned char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           std::string_view("-_.!~*'()").find(static_cast<char>(c)) != std::string_view::npos;
}

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
    auto* body = static_cast<std::string*>(user);
    body->append(data, size * count);
    return size * count;
}

struct EasyDeleter {
    void operator()(CURL* easy) const { curl_easy_cleanup(easy); }
};

struct ListDeleter {
    void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};

}  // namespace

std::string encode_uri_component(std::string_view text) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(text.size());
    for (const char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        if (unreserved(c)) {
            out += ch;
        } else {
            out += '%';
            out += kHex[c >> 4U];
            out += kHex[c & 15U];
        }
    }
    return out;
}

std::string auth_request_body(std::string_view socket_id, std::optional<std::string_view> channel,
                              const Pairs& params) {
    std::string body = "socket_id=" + encode_uri_component(socket_id);
    if (channel) {
        body += "&channel_name=" + encode_uri_component(*channel);
    }
    for (const auto& [key, value] : params) {
        body += '&' + encode_uri_component(key) + '=' + encode_uri_component(value);
    }
    return body;
}

AuthAnswer request_authorization(const AuthEndpoint& endpoint, std::string_view socket_id,
                                 std::optional<std::string_view> channel) {
    try {
        curl::ensure_init();
    } catch (const std::exception& e) {
        return {util::unexpected(std::string(e.what())), 0};
    }
    const std::unique_ptr<CURL, EasyDeleter> easy(curl_easy_init());
    if (!easy) {
        return {util::unexpected(std::string("libcurl could not make a handle")), 0};
    }
    curl_slist* list =
            curl_slist_append(nullptr, "Content-Type: application/x-www-form-urlencoded");
    for (const auto& [name, value] : endpoint.headers) {
        list = curl_slist_append(list, (name + ": " + value).c_str());
    }
    const std::unique_ptr<curl_slist, ListDeleter> headers(list);
    const std::string body = auth_request_body(socket_id, channel, endpoint.params);
    std::string answer;
    char error[CURL_ERROR_SIZE] = {};
    CURL* e = easy.get();
    curl_easy_setopt(e, CURLOPT_URL, endpoint.url.c_str());
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, headers.get());
    curl_easy_setopt(e, CURLOPT_POST, 1L);
    curl_easy_setopt(e, CURLOPT_POSTFIELDS, body.data());
    curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, &on_body);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, &answer);
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, error);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, 10000L);
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, endpoint.verify_tls ? 1L : 0L);
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, endpoint.verify_tls ? 2L : 0L);
    if (!endpoint.ca_file.empty()) {
        curl_easy_setopt(e, CURLOPT_CAINFO, endpoint.ca_file.c_str());
    }
    const CURLcode code = curl_easy_perform(e);
    if (code != CURLE_OK) {
        return {util::unexpected("the auth endpoint " + endpoint.url + " could not be reached: " +
                                 (error[0] != '\0' ? std::string(error)
                                                   : std::string(curl_easy_strerror(code)))),
                0};
    }
    long status = 0;
    curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
    if (status != 200) {
        return {util::unexpected("received status " + std::to_string(status) + " from " +
                                 endpoint.url),
                static_cast<int>(status)};
    }
    return {std::move(answer), 200};
}

AuthThread::AuthThread(AuthEndpoint channels, AuthEndpoint users, Done done)
    : channels_(std::move(channels)),
      users_(std::move(users)),
      done_(std::move(done)),
      thread_([this] { run(); }) {}

AuthThread::~AuthThread() {
    {
        const std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_one();
    thread_.join();
}

void AuthThread::request(AuthRequest request) {
    {
        const std::lock_guard lock(mutex_);
        queue_.push_back(std::move(request));
    }
    wake_.notify_one();
}

void AuthThread::run() {
    for (;;) {
        AuthRequest next;
        {
            std::unique_lock lock(mutex_);
            wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
            if (stopping_) {
                return;
            }
            next = std::move(queue_.front());
            queue_.pop_front();
        }
        AuthAnswer answer = request_authorization(next.channel ? channels_ : users_, next.socket_id,
                                                  next.channel);
        done_(std::move(next), std::move(answer));
    }
}

}  // namespace herald::client
