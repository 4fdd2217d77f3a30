#include "herald/pusher/channel.h"

#include <algorithm>
#include <array>
#include <utility>

namespace herald::pusher {

namespace {

// §6.1: longest prefixes first, so "private-encrypted-cache-x" is not taken for "private-".
constexpr std::array<std::pair<std::string_view, ChannelKind>, 8> kPrefixes = {{
        {"private-encrypted-cache-", ChannelKind::PrivateEncryptedCache},
        {"private-encrypted-", ChannelKind::PrivateEncrypted},
        {"private-cache-", ChannelKind::PrivateCache},
        {"private-", ChannelKind::Private},
        {"presence-cache-", ChannelKind::PresenceCache},
        {"presence-", ChannelKind::Presence},
        {"cache-", ChannelKind::PublicCache},
        {kServerToUserPrefix, ChannelKind::ServerToUser},
}};

bool all_name_chars(std::string_view s) noexcept {
    return std::all_of(s.begin(), s.end(), is_channel_name_char);
}

}  // namespace

ChannelKind classify_channel(std::string_view name) noexcept {
    for (const auto& [prefix, kind] : kPrefixes) {
        if (name.starts_with(prefix)) {
            return kind;
        }
    }
    return ChannelKind::Public;
}

std::string_view channel_prefix(ChannelKind kind) noexcept {
    for (const auto& [prefix, k] : kPrefixes) {
        if (k == kind) {
            return prefix;
        }
    }
    return "";
}

std::string_view describe(ChannelKind kind) noexcept {
    switch (kind) {
        case ChannelKind::Public:
            return "public";
        case ChannelKind::PublicCache:
            return "cache";
        case ChannelKind::Private:
            return "private";
        case ChannelKind::PrivateCache:
            return "private-cache";
        case ChannelKind::PrivateEncrypted:
            return "private-encrypted";
        case ChannelKind::PrivateEncryptedCache:
            return "private-encrypted-cache";
        case ChannelKind::Presence:
            return "presence";
        case ChannelKind::PresenceCache:
            return "presence-cache";
        case ChannelKind::ServerToUser:
            return "server-to-user";
    }
    return "unknown";
}

bool requires_auth(ChannelKind kind) noexcept {
    return kind != ChannelKind::Public && kind != ChannelKind::PublicCache &&
           kind != ChannelKind::ServerToUser;
}

bool is_presence(ChannelKind kind) noexcept {
    return kind == ChannelKind::Presence || kind == ChannelKind::PresenceCache;
}

bool is_encrypted(ChannelKind kind) noexcept {
    return kind == ChannelKind::PrivateEncrypted || kind == ChannelKind::PrivateEncryptedCache;
}

bool is_cache(ChannelKind kind) noexcept {
    return kind == ChannelKind::PublicCache || kind == ChannelKind::PrivateCache ||
           kind == ChannelKind::PrivateEncryptedCache || kind == ChannelKind::PresenceCache;
}

bool accepts_client_events(ChannelKind kind) noexcept {
    return kind == ChannelKind::Private || kind == ChannelKind::PrivateCache || is_presence(kind);
}

bool is_channel_name_char(char c) noexcept {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-' || c == '=' || c == '@' || c == ',' || c == '.' || c == ';';
}

std::optional<ChannelNameError> check_channel_name(std::string_view name,
                                                   std::size_t max_length) noexcept {
    if (name.empty()) {
        return ChannelNameError::Empty;
    }
    if (name.size() > max_length) {
        return ChannelNameError::TooLong;
    }
    if (name.starts_with(kServerToUserPrefix)) {
        const auto user_id = name.substr(kServerToUserPrefix.size());
        if (user_id.empty()) {
            return ChannelNameError::EmptyServerUserId;
        }
        return all_name_chars(user_id) ? std::nullopt
                                       : std::optional{ChannelNameError::InvalidCharacter};
    }
    return all_name_chars(name) ? std::nullopt : std::optional{ChannelNameError::InvalidCharacter};
}

bool is_valid_channel_name(std::string_view name, std::size_t max_length) noexcept {
    return !check_channel_name(name, max_length).has_value();
}

std::string_view describe(ChannelNameError error) noexcept {
    switch (error) {
        case ChannelNameError::Empty:
            return "Channel name is empty";
        case ChannelNameError::TooLong:
            return "Channel name is too long";
        case ChannelNameError::InvalidCharacter:
            return "Channel name may only contain A-Z, a-z, 0-9, _, -, =, @, ',', . and ;";
        case ChannelNameError::EmptyServerUserId:
            return "Channel name lacks the user id";
    }
    return "Invalid channel name";
}

std::optional<std::string_view> server_to_user_id(std::string_view name) noexcept {
    if (!name.starts_with(kServerToUserPrefix)) {
        return std::nullopt;
    }
    return name.substr(kServerToUserPrefix.size());
}

std::string server_to_user_channel(std::string_view user_id) {
    std::string name(kServerToUserPrefix);
    name.append(user_id);
    return name;
}

}  // namespace herald::pusher
