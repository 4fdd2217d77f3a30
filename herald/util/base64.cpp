#include "herald/util/base64.h"

#include <cstring>

#include <openssl/evp.h>

namespace herald::util {

namespace {

bool is_alphabet(char c) noexcept {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
           c == '/';
}

// Counts trailing '=' and checks that everything before them is in the alphabet.
std::optional<std::size_t> padding_of(std::string_view text) {
    std::size_t pad = 0;
    while (pad < 2 && pad < text.size() && text[text.size() - 1 - pad] == '=') {
        ++pad;
    }
    for (std::size_t i = 0; i + pad < text.size(); ++i) {
        if (!is_alphabet(text[i])) {
            return std::nullopt;
        }
    }
    return pad;
}

}  // namespace

std::string base64_encode(std::string_view bytes) {
    std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
    const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                  reinterpret_cast<const unsigned char*>(bytes.data()),
                                  static_cast<int>(bytes.size()));
    out.resize(static_cast<std::size_t>(n));
    return out;
}

std::optional<std::string> base64_decode(std::string_view text) {
    if (text.size() % 4 != 0) {
        return std::nullopt;
    }
    const auto pad = padding_of(text);
    if (!pad) {
        return std::nullopt;
    }
    std::string out(text.size() / 4 * 3, '\0');
    const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                  reinterpret_cast<const unsigned char*>(text.data()),
                                  static_cast<int>(text.size()));
    if (n < 0) {
        return std::nullopt;
    }
    out.resize(static_cast<std::size_t>(n) - *pad);
    // Canonical form only: re-encoding must give back the input (rejects non-zero pad bits).
    if (base64_encode(out) != text) {
        return std::nullopt;
    }
    return out;
}

}  // namespace herald::util
