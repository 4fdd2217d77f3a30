#include "herald/sdk/encryption.h"

#include "herald/pusher/auth.h"
#include "herald/util/base64.h"

namespace herald::sdk {

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
    return pusher::seal_payload(channel_key, plaintext);
}

std::string seal_with_nonce(std::string_view channel_key, std::string_view plaintext,
                            std::string_view nonce) {
    return pusher::seal_payload_with_nonce(channel_key, plaintext, nonce);
}

std::optional<std::string> open(std::string_view channel_key, std::string_view payload) {
    return pusher::open_payload(channel_key, payload);
}

}  // namespace herald::sdk
