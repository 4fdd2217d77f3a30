#include "herald/util/digest.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "herald/util/assert.h"

namespace herald::util {

namespace {

// A digest algorithm fetched once and a context reused for every hash of this thread.
class DigestContext {
public:
    explicit DigestContext(const char* name)
        : md_(EVP_MD_fetch(nullptr, name, nullptr)), ctx_(EVP_MD_CTX_new()) {
        HERALD_CHECK(md_ != nullptr && ctx_ != nullptr, "OpenSSL has no such digest");
    }

    DigestContext(const DigestContext&) = delete;
    DigestContext& operator=(const DigestContext&) = delete;

    ~DigestContext() {
        EVP_MD_CTX_free(ctx_);
        EVP_MD_free(md_);
    }

    // Writes the digest of `data` to `out` (EVP_MAX_MD_SIZE bytes of room); returns its size.
    std::size_t digest(std::string_view data, unsigned char* out) {
        unsigned int n = 0;
        const bool done = EVP_DigestInit_ex(ctx_, md_, nullptr) == 1 &&
                          EVP_DigestUpdate(ctx_, data.data(), data.size()) == 1 &&
                          EVP_DigestFinal_ex(ctx_, out, &n) == 1;
        HERALD_CHECK(done, "OpenSSL failed to hash");
        return n;
    }

private:
    EVP_MD* md_;
    EVP_MD_CTX* ctx_;
};

// HMAC-SHA256 fetched once; the context is keyed again for each message (the digest contexts
// inside it are reused, so a call allocates nothing).
class HmacContext {
public:
    HmacContext() : mac_(EVP_MAC_fetch(nullptr, "HMAC", nullptr)), ctx_(EVP_MAC_CTX_new(mac_)) {
        HERALD_CHECK(mac_ != nullptr && ctx_ != nullptr, "OpenSSL has no HMAC");
        char digest[] = "SHA256";
        const OSSL_PARAM params[] = {
                OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                OSSL_PARAM_construct_end()};
        const bool set = EVP_MAC_CTX_set_params(ctx_, params) == 1;
        HERALD_CHECK(set, "OpenSSL has no HMAC-SHA256");
    }

    HmacContext(const HmacContext&) = delete;
    HmacContext& operator=(const HmacContext&) = delete;

    ~HmacContext() {
        EVP_MAC_CTX_free(ctx_);
        EVP_MAC_free(mac_);
    }

    // Writes the 32-byte MAC of `data` under `key` to `out`.
    void mac(std::string_view key, std::string_view data, unsigned char* out) {
        // An empty key is a valid HMAC key; OpenSSL wants a non-null pointer for it.
        static constexpr unsigned char kNoKey = 0;
        const auto* key_bytes =
                key.empty() ? &kNoKey : reinterpret_cast<const unsigned char*>(key.data());
        std::size_t n = 0;
        const bool done = EVP_MAC_init(ctx_, key_bytes, key.size(), nullptr) == 1 &&
                          EVP_MAC_update(ctx_, reinterpret_cast<const unsigned char*>(data.data()),
                                         data.size()) == 1 &&
                          EVP_MAC_final(ctx_, out, &n, EVP_MAX_MD_SIZE) == 1 && n == 32;
        HERALD_CHECK(done, "OpenSSL failed to hash");
    }

private:
    EVP_MAC* mac_;
    EVP_MAC_CTX* ctx_;
};

enum class Algorithm {
    Sha1,
    Sha256,
    Md5
};

DigestContext& context_of(Algorithm algorithm) {
    thread_local DigestContext sha1_context("SHA1");
    thread_local DigestContext sha256_context("SHA256");
    thread_local DigestContext md5_context("MD5");
    switch (algorithm) {
        case Algorithm::Sha1:
            return sha1_context;
        case Algorithm::Sha256:
            return sha256_context;
        case Algorithm::Md5:
            break;
    }
    return md5_context;
}

std::string digest(Algorithm algorithm, std::string_view data) {
    unsigned char out[EVP_MAX_MD_SIZE];
    const std::size_t n = context_of(algorithm).digest(data, out);
    return {reinterpret_cast<const char*>(out), n};
}

void raw_hmac_sha256(std::string_view key, std::string_view data, unsigned char* out) {
    thread_local HmacContext context;
    context.mac(key, data, out);
}

void write_hex(const unsigned char* bytes, std::size_t size, char* out) noexcept {
    static constexpr char kDigits[] = "0123456789abcdef";
    for (std::size_t i = 0; i < size; ++i) {
        out[2 * i] = kDigits[bytes[i] >> 4U];
        out[2 * i + 1] = kDigits[bytes[i] & 0x0FU];
    }
}

}  // namespace

std::string sha1(std::string_view data) {
    return digest(Algorithm::Sha1, data);
}

std::string sha256(std::string_view data) {
    return digest(Algorithm::Sha256, data);
}

std::string md5(std::string_view data) {
    return digest(Algorithm::Md5, data);
}

std::string hmac_sha256(std::string_view key, std::string_view data) {
    unsigned char out[EVP_MAX_MD_SIZE];
    raw_hmac_sha256(key, data, out);
    return {reinterpret_cast<const char*>(out), 32};
}

Sha256Hex hmac_sha256_hex(std::string_view key, std::string_view data) {
    unsigned char raw[EVP_MAX_MD_SIZE];
    raw_hmac_sha256(key, data, raw);
    Sha256Hex hex{};
    write_hex(raw, 32, hex.data());
    return hex;
}

Md5Hex md5_hex(std::string_view data) {
    unsigned char raw[EVP_MAX_MD_SIZE];
    const std::size_t n = context_of(Algorithm::Md5).digest(data, raw);
    HERALD_CHECK(n == 16, "MD5 is 16 bytes");
    Md5Hex hex{};
    write_hex(raw, 16, hex.data());
    return hex;
}

std::string to_hex(std::string_view bytes) {
    std::string out(bytes.size() * 2, '\0');
    write_hex(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), out.data());
    return out;
}

bool constant_time_equals(std::string_view a, std::string_view b) noexcept {
    return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace herald::util
