#include "herald/sdk/encryption.h"

#include <array>
#include <stdexcept>

#include <simdjson.h>
#include <sodium.h>

#include "herald/pusher/auth.h"
#include "herald/util/base64.h"
#include "herald/util/json_writer.h"

namespace herald::sdk {

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

std::optional<std::string> string_member(simdjson::dom::element root, std::string_view key) {
    std::string_view value;
    if (root.at_key(key).get_string().get(value) != simdjson::SUCCESS) {
        return std::nullopt;
    }
    return std::string(value);
}

}  // namespace

std::optional<std::string> decode_master_key(std::string_view master_key_base64) {
    auto key = util::base64_decode(master_key_base64);
    if (!key || key->size() != kSecretboxKeyBytes) {
        return std::nullopt;
    }
    return key;
}

std::string derive_channel_key(std::string_view channel, std::string_view master_key) {
    return pusher::channel_key(channel, master_key);
}

std::string seal(std::string_view channel_key, std::string_view plaintext) {
    ensure_sodium();
    std::array<unsigned char, kSecretboxNonceBytes> nonce{};
    randombytes_buf(nonce.data(), nonce.size());
    return seal_with_nonce(channel_key, plaintext,
                           {reinterpret_cast<const char*>(nonce.data()), nonce.size()});
}

std::string seal_with_nonce(std::string_view channel_key, std::string_view plaintext,
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

std::optional<std::string> open(std::string_view channel_key, std::string_view payload) {
    ensure_sodium();
    simdjson::dom::parser parser;
    simdjson::dom::element root;
    const simdjson::padded_string padded(payload);
    if (channel_key.size() != kSecretboxKeyBytes || parser.parse(padded).get(root)) {
        return std::nullopt;
    }
    const auto nonce_text = string_member(root, "nonce");
    const auto cipher_text = string_member(root, "ciphertext");
    if (!nonce_text || !cipher_text) {
        return std::nullopt;
    }
    const auto nonce = util::base64_decode(*nonce_text);
    const auto sealed = util::base64_decode(*cipher_text);
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

}  // namespace herald::sdk
