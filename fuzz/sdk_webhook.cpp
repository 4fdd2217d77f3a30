// fuzz/sdk_webhook.cpp
//
// A received webhook: the input is "KEY\nSIGNATURE\nCONTENT_TYPE\nBODY". Properties: verification
// never throws; a webhook is valid only when the key is the app's and the signature is the
// HMAC-SHA256 hex of the body (protocol.md §9.7), and then its events read without throwing.
// Header values count without surrounding whitespace, as in HTTP (RFC 9110 §5.5).
// With the right signature substituted, a well-formed body is accepted.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "herald/sdk/webhook.h"
#include "herald/util/ascii.h"

namespace {

constexpr std::string_view kKey = "fuzz-key";
constexpr std::string_view kSecret = "fuzz-secret";

std::string_view next_line(std::string_view& input) {
    const auto end = input.find('\n');
    const std::string_view line = input.substr(0, end);
    input = end == std::string_view::npos ? std::string_view{} : input.substr(end + 1);
    return line;
}

herald::sdk::Webhook make(std::string_view key, std::string_view signature, std::string_view type,
                          std::string_view body) {
    return {{{std::string(kKey), std::string(kSecret)}},
            {{"X-Pusher-Key", std::string(key)},
             {"X-Pusher-Signature", std::string(signature)},
             {"Content-Type", std::string(type)}},
            std::string(body)};
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view input(reinterpret_cast<const char*>(data), size);
    const std::string_view key = next_line(input);
    const std::string_view signature = next_line(input);
    const std::string_view type = next_line(input);
    const std::string_view body = input;
    const std::string expected = herald::sdk::webhook_signature(kSecret, body);

    const auto hook = make(key, signature, type, body);
    if (hook.valid()) {
        if (herald::util::trim(key) != kKey || herald::util::trim(signature) != expected) {
            std::abort();  // accepted without the right key and signature
        }
        static_cast<void>(hook.events());
        static_cast<void>(hook.time_ms());
    }
    const auto resigned = make(kKey, expected, "application/json", body);
    if (hook.valid() && !resigned.valid()) {
        std::abort();  // the same body, correctly signed, must stay valid
    }
    return 0;
}
