#include "herald/pusher/auth.h"

#include "herald/util/base64.h"
#include "herald/util/digest.h"

namespace herald::pusher {

namespace {

constexpr std::size_t kMasterKeyBytes = 32;  // §7.4: a secretbox key

}  // namespace

std::string sign(std::string_view secret, std::string_view message) {
    return util::to_hex(util::hmac_sha256(secret, message));
}

std::string channel_string_to_sign(std::string_view socket_id, std::string_view channel,
                                   std::optional<std::string_view> channel_data) {
    std::string text;
    text.reserve(socket_id.size() + channel.size() + 2 + (channel_data ? channel_data->size() : 0));
    text.append(socket_id).append(":").append(channel);
    if (channel_data) {
        text.append(":").append(*channel_data);
    }
    return text;
}

std::string user_string_to_sign(std::string_view socket_id, std::string_view user_data) {
    std::string text(socket_id);
    text.append("::user::").append(user_data);
    return text;
}

std::string auth_string(std::string_view key, std::string_view secret,
                        std::string_view string_to_sign) {
    std::string auth(key);
    auth.append(":").append(sign(secret, string_to_sign));
    return auth;
}

std::string channel_auth(std::string_view key, std::string_view secret, std::string_view socket_id,
                         std::string_view channel, std::optional<std::string_view> channel_data) {
    return auth_string(key, secret, channel_string_to_sign(socket_id, channel, channel_data));
}

std::string user_auth(std::string_view key, std::string_view secret, std::string_view socket_id,
                      std::string_view user_data) {
    return auth_string(key, secret, user_string_to_sign(socket_id, user_data));
}

AuthCheck verify_auth(std::string_view auth, std::string_view key, std::string_view secret,
                      std::string_view string_to_sign) {
    const auto colon = auth.find(':');
    if (colon == std::string_view::npos) {
        return AuthCheck::Malformed;
    }
    if (auth.substr(0, colon) != key) {
        return AuthCheck::WrongKey;  // the key is public: no need for a constant-time compare
    }
    // The expected signature is lowercase hex, so an uppercase one is refused (§7.7 step 4).
    const std::string expected = sign(secret, string_to_sign);
    return util::constant_time_equals(expected, auth.substr(colon + 1)) ? AuthCheck::Ok
                                                                        : AuthCheck::BadSignature;
}

std::string_view auth_signature(std::string_view auth) noexcept {
    const auto colon = auth.find(':');
    return colon == std::string_view::npos ? std::string_view{} : auth.substr(colon + 1);
}

std::string invalid_key_message(std::string_view auth) {
    std::string text = "Invalid key in subscription auth data: '";
    text.append(auth).append("'");
    return text;
}

std::string invalid_signature_message(std::string_view string_to_sign, std::string_view auth) {
    std::string text = "Invalid signature: Expected HMAC SHA256 hex digest of ";
    text.append(string_to_sign).append(", but got ").append(auth_signature(auth));
    return text;
}

std::string channel_key(std::string_view channel, std::string_view master_key) {
    std::string input(channel);
    input.append(master_key);
    return util::sha256(input);
}

std::optional<std::string> shared_secret(std::string_view master_key_base64,
                                         std::string_view channel) {
    const auto master_key = util::base64_decode(master_key_base64);
    if (!master_key || master_key->size() != kMasterKeyBytes) {
        return std::nullopt;
    }
    return util::base64_encode(channel_key(channel, *master_key));
}

}  // namespace herald::pusher
