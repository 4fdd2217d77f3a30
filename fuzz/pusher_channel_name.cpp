// fuzz/pusher_channel_name.cpp
//
// Bytes as a channel name. Properties: classification is total; kind and validity agree with a
// plain oracle ([A-Za-z0-9_\-=@,.;]{1,164}, or "#server-to-user-" and a non-empty id of that set;
// the kind by prefix, protocol.md §6.1, §6.2); signed kinds are exactly private-* and presence-*.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "herald/pusher/channel.h"

namespace {

using herald::pusher::ChannelKind;

constexpr std::string_view kAllowed =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-=@,.;";
constexpr std::string_view kUser = "#server-to-user-";

bool oracle_valid(std::string_view s) {
    const std::string_view id = s.starts_with(kUser) ? s.substr(kUser.size()) : s;
    return !s.empty() && s.size() <= 164 && !id.empty() &&
           id.find_first_not_of(kAllowed) == std::string_view::npos;
}

ChannelKind oracle_kind(std::string_view s) {
    if (s.starts_with(kUser)) {
        return ChannelKind::ServerToUser;
    }
    if (s.starts_with("private-encrypted-")) {
        return s.substr(18).starts_with("cache-") ? ChannelKind::PrivateEncryptedCache
                                                  : ChannelKind::PrivateEncrypted;
    }
    if (s.starts_with("private-")) {
        return s.substr(8).starts_with("cache-") ? ChannelKind::PrivateCache : ChannelKind::Private;
    }
    if (s.starts_with("presence-")) {
        return s.substr(9).starts_with("cache-") ? ChannelKind::PresenceCache
                                                 : ChannelKind::Presence;
    }
    return s.starts_with("cache-") ? ChannelKind::PublicCache : ChannelKind::Public;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view name(reinterpret_cast<const char*>(data), size);
    const ChannelKind kind = herald::pusher::classify_channel(name);
    const bool valid = herald::pusher::is_valid_channel_name(name);
    const bool signed_kind = name.starts_with("private-") || name.starts_with("presence-");
    if (kind != oracle_kind(name) || valid != oracle_valid(name) ||
        herald::pusher::requires_auth(kind) != signed_kind ||
        (valid && !herald::pusher::is_valid_channel_name(name, 200))) {
        std::abort();  // disagrees with the oracle
    }
    return 0;
}
