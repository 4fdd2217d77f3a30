#include "herald/curl/init.h"

#include <mutex>
#include <stdexcept>

#include <curl/curl.h>

namespace herald::curl {

void ensure_init() {
    static std::once_flag once;
    std::call_once(once, [] {
        if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
            throw std::runtime_error("libcurl could not be initialised");
        }
    });
}

}  // namespace herald::curl
