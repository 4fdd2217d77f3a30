#include "herald/pusher/secretbox.h"

#include <array>
#include <stdexcept>

#include <simdjson.h>
#include <sodium.h>

#include "herald/pusher/json_member.h"
#include "herald/util/base64.h"
#include "herald/util/json_writer.h"

namespace herald::pusher {

namespace {

static_assert(kSecretboxNonceBytes == crypto_secretbox_NONCEBYTES);
static_assert(kSecretboxKeyBytes == crypto_secretbox_KEYBYTES);

// sodium_init is thread-safe and idempotent; it only fails when no entropy source exists.
void ensure_sodium() {
    static const int status = sodium_init();
    if (status < 0) {
        throw std::runtime_error("libsodium could not be initialised");
    }
}

const unsigned char* bytes(std::string_view s) noexcept {
    return reinterpret_cast<const unsigned char*>(s.data());
}

std::optional<std::string> base64_member(simdjson::dom::object object, std::string_view key) {
    const auto found = last_member(object, key);
    std::string_view value;
    if (!found || found->get_string().get(value) != simdjson::SUCCESS) {
        return std::nullopt;
    }
    return util::base64_decode(value);
}

}  // namespace

std::string seal_payload(std::string_view channel_key, std::string_view plaintext) {
    ensure_sodium();
    std::array<unsigned char, kSecretboxNonceBytes> nonce{};
    randombytes_buf(nonce.data(), nonce.size());
    return seal_payload_with_nonce(channel_key, plaintext,
                                   {reinterpret_cast<const char*>(nonce.data()), nonce.size()});
}

std::string seal_payload_with_nonce(std::string_view channel_key, std::string_view plaintext,
                                    std::string_view nonce) {
    ensure_sodium();
    if (channel_key.size() != kSecretboxKeyBytes || nonce.size() != kSecretboxNonceBytes) {
        throw std::invalid_argument("secretbox needs a 32-byte key and a 24-byte nonce");
    }
    std::string sealed(plaintext.size() + crypto_secretbox_MACBYTES, '\0');
    crypto_secretbox_easy(reinterpret_cast<unsigned char*>(sealed.data()), bytes(plaintext),
                          plaintext.size(), bytes(nonce), bytes(channel_key));
    util::JsonWriter out;
    out.begin_object().key("nonce").string(util::base64_encode(nonce));
    out.key("ciphertext").string(util::base64_encode(sealed));
    return out.end_object().take();
}

std::optional<std::string> open_payload(std::string_view channel_key, std::string_view payload) {
    ensure_sodium();
    simdjson::dom::parser parser;
    simdjson::dom::object object;
    const simdjson::padded_string padded(payload);
    if (channel_key.size() != kSecretboxKeyBytes ||
        parser.parse(padded).get_object().get(object) != simdjson::SUCCESS) {
        return std::nullopt;
    }
    const auto nonce = base64_member(object, "nonce");
    const auto sealed = base64_member(object, "ciphertext");
    if (!nonce || !sealed || nonce->size() != kSecretboxNonceBytes ||
        sealed->size() < crypto_secretbox_MACBYTES) {
        return std::nullopt;
    }
    std::string plain(sealed->size() - crypto_secretbox_MACBYTES, '\0');
    if (crypto_secretbox_open_easy(reinterpret_cast<unsigned char*>(plain.data()), bytes(*sealed),
                                   sealed->size(), bytes(*nonce), bytes(channel_key)) != 0) {
        return std::nullopt;
    }
    return plain;
}

std::string decrypted_data_text(std::string_view plaintext) {
    simdjson::dom::parser parser;
    const simdjson::padded_string padded(plaintext);
    std::string_view contents;
    if (parser.parse(padded).get_string().get(contents) == simdjson::SUCCESS) {
        return std::string(contents);
    }
    return std::string(plaintext);
}

}  // namespace herald::pusher
