#include "herald/sdk/auth.h"

#include "herald/pusher/auth.h"
#include "herald/pusher/channel.h"
#include "herald/sdk/encryption.h"
#include "herald/sdk/errors.h"
#include "herald/sdk/request.h"
#include "herald/util/base64.h"
#include "herald/util/json_writer.h"

namespace herald::sdk {

std::string ChannelAuth::json() const {
    util::JsonWriter out;
    out.begin_object();
    if (channel_data) {
        out.key("channel_data").string(*channel_data);
    }
    out.key("auth").string(auth);
    if (shared_secret) {
        out.key("shared_secret").string(*shared_secret);
    }
    return out.end_object().take();
}

std::string UserAuth::json() const {
    util::JsonWriter out;
    out.begin_object().key("auth").string(auth).key("user_data").string(user_data);
    return out.end_object().take();
}

ChannelAuth authenticate_channel(const SigningKeys& keys, std::string_view channel,
                                 std::string_view socket_id,
                                 const std::optional<PresenceMember>& member) {
    check_socket_id(socket_id);
    check_channel_name(channel);
    const auto kind = pusher::classify_channel(channel);
    if (kind == pusher::ChannelKind::ServerToUser) {
        throw Error("#server-to-user- channels are joined by signing in, not by authorization");
    }
    ChannelAuth result;
    if (pusher::is_presence(kind) && !member) {
        throw Error("presence channel '" + std::string(channel) +
                    "' needs a member: authenticate(channel, socket_id, {user_id, user_info})");
    }
    if (member) {
        check_user_id(member->user_id);
        Json data = Json::object({{"user_id", member->user_id}});
        if (!member->user_info.is_null()) {
            data.set("user_info", member->user_info);
        }
        result.channel_data = data.dump();
    }
    result.auth =
            pusher::channel_auth(keys.key, keys.secret, socket_id, channel, result.channel_data);
    if (pusher::is_encrypted(kind)) {
        if (!keys.master_key) {
            throw ConfigurationError("authorizing encrypted channel '" + std::string(channel) +
                                     "' needs Options::encryption_master_key_base64");
        }
        result.shared_secret = util::base64_encode(derive_channel_key(channel, *keys.master_key));
    }
    return result;
}

UserAuth authenticate_user(const SigningKeys& keys, std::string_view socket_id,
                           const Json& user_data) {
    check_socket_id(socket_id);
    const Json* id = user_data.find("id");
    if (id == nullptr || !id->is_string() || id->as_string().empty()) {
        throw Error("user data must be a JSON object with a non-empty string \"id\"");
    }
    UserAuth result;
    result.user_data = user_data.dump();
    result.auth = pusher::user_auth(keys.key, keys.secret, socket_id, result.user_data);
    return result;
}

}  // namespace herald::sdk
