#include "herald/pusher/channel.h"

#include <string>
#include <utility>

#include <gtest/gtest.h>

namespace herald::pusher {
namespace {

constexpr ChannelKind kAllKinds[] = {
        ChannelKind::Public,           ChannelKind::PublicCache,
        ChannelKind::Private,          ChannelKind::PrivateCache,
        ChannelKind::PrivateEncrypted, ChannelKind::PrivateEncryptedCache,
        ChannelKind::Presence,         ChannelKind::PresenceCache,
        ChannelKind::ServerToUser,
};

TEST(ChannelKind, ClassifiesEveryPrefixLongestFirst) {
    const std::pair<std::string, ChannelKind> table[] = {
            {"my-channel", ChannelKind::Public},
            {"cache-location-123", ChannelKind::PublicCache},
            {"private-orders.42", ChannelKind::Private},
            {"private-cache-orders", ChannelKind::PrivateCache},
            {"private-encrypted-foobar", ChannelKind::PrivateEncrypted},
            {"private-encrypted-cache-x", ChannelKind::PrivateEncryptedCache},
            {"presence-room-7", ChannelKind::Presence},
            {"presence-cache-room", ChannelKind::PresenceCache},
            {"#server-to-user-12345", ChannelKind::ServerToUser},
    };
    for (const auto& [name, kind] : table) {
        EXPECT_EQ(classify_channel(name), kind) << name;
    }
}

TEST(ChannelKind, BarePrefixesSelectTheirKind) {
    for (const ChannelKind kind : kAllKinds) {
        EXPECT_EQ(classify_channel(channel_prefix(kind)), kind) << describe(kind);
    }
    EXPECT_EQ(channel_prefix(ChannelKind::Public), "");
}

TEST(ChannelKind, NearMissesAreTheShorterKindOrPublic) {
    const std::pair<std::string, ChannelKind> table[] = {
            {"", ChannelKind::Public},
            {"private", ChannelKind::Public},
            {"Private-x", ChannelKind::Public},  // case-sensitive (§6.2)
            {"privat-x", ChannelKind::Public},
            {" private-x", ChannelKind::Public},
            {"private-encrypted", ChannelKind::Private},
            {"private-encrypted-cache", ChannelKind::PrivateEncrypted},
            {"private-cache", ChannelKind::Private},
            {"presence-cache", ChannelKind::Presence},
            {"presence", ChannelKind::Public},
            {"cache", ChannelKind::Public},
            {"my-cache-x", ChannelKind::Public},
            {"#server-to-user", ChannelKind::Public},
            {"#server-to-users-1", ChannelKind::Public},
            {"private-presence-x", ChannelKind::Private},
            {"presence-private-x", ChannelKind::Presence},
    };
    for (const auto& [name, kind] : table) {
        EXPECT_EQ(classify_channel(name), kind) << name;
    }
}

TEST(ChannelKind, PropertiesFollowTheProtocolTable) {
    struct Row {
        ChannelKind kind;
        bool auth, presence, encrypted, cache, client_events;
        bool operator==(const Row&) const = default;
    };

    const Row rows[] = {
            {ChannelKind::Public, false, false, false, false, false},
            {ChannelKind::PublicCache, false, false, false, true, false},
            {ChannelKind::Private, true, false, false, false, true},
            {ChannelKind::PrivateCache, true, false, false, true, true},
            {ChannelKind::PrivateEncrypted, true, false, true, false, false},
            {ChannelKind::PrivateEncryptedCache, true, false, true, true, false},
            {ChannelKind::Presence, true, true, false, false, true},
            {ChannelKind::PresenceCache, true, true, false, true, true},
            {ChannelKind::ServerToUser, false, false, false, false, false},
    };
    for (const Row& r : rows) {
        const Row actual{r.kind,
                         requires_auth(r.kind),
                         is_presence(r.kind),
                         is_encrypted(r.kind),
                         is_cache(r.kind),
                         accepts_client_events(r.kind)};
        EXPECT_TRUE(actual == r) << describe(r.kind);
    }
}

TEST(ChannelName, AcceptsEveryAllowedCharacter) {
    const std::string allowed =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-=@,.;";
    EXPECT_TRUE(is_valid_channel_name(allowed));
    for (const char c : allowed) {
        EXPECT_TRUE(is_channel_name_char(c)) << c;
        EXPECT_TRUE(is_valid_channel_name(std::string(1, c))) << c;
    }
}

TEST(ChannelName, RejectsEveryOtherByte) {
    const std::string allowed =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-=@,.;";
    for (int b = 0; b < 256; ++b) {
        const char c = static_cast<char>(b);
        if (allowed.find(c) != std::string::npos) {
            continue;
        }
        EXPECT_FALSE(is_channel_name_char(c)) << b;
        EXPECT_EQ(check_channel_name(std::string("ab") + c + "cd"),
                  ChannelNameError::InvalidCharacter)
                << b;
    }
}

TEST(ChannelName, LengthBoundaryIs164ByDefault) {
    EXPECT_EQ(check_channel_name(""), ChannelNameError::Empty);
    EXPECT_TRUE(is_valid_channel_name("a"));
    EXPECT_TRUE(is_valid_channel_name(std::string(kMaxChannelNameLength, 'a')));
    EXPECT_EQ(check_channel_name(std::string(kMaxChannelNameLength + 1, 'a')),
              ChannelNameError::TooLong);
    const std::string presence = "presence-" + std::string(kMaxChannelNameLength - 9, 'x');
    EXPECT_TRUE(is_valid_channel_name(presence));  // the prefix counts towards the limit
    EXPECT_FALSE(is_valid_channel_name(presence + "x"));
}

TEST(ChannelName, LenientLimitAllows200) {
    EXPECT_TRUE(is_valid_channel_name(std::string(200, 'a'), kLenientMaxChannelNameLength));
    EXPECT_EQ(check_channel_name(std::string(201, 'a'), kLenientMaxChannelNameLength),
              ChannelNameError::TooLong);
}

TEST(ChannelName, TooLongIsReportedBeforeBadCharacters) {
    EXPECT_EQ(check_channel_name(std::string(kMaxChannelNameLength + 1, '#')),
              ChannelNameError::TooLong);
}

TEST(ChannelName, HashIsOnlyAllowedInTheServerToUserPrefix) {
    EXPECT_TRUE(is_valid_channel_name("#server-to-user-12345"));
    EXPECT_TRUE(is_valid_channel_name("#server-to-user-a=b@c,d.e;f_g-h"));
    EXPECT_EQ(check_channel_name("#server-to-user-"), ChannelNameError::EmptyServerUserId);
    EXPECT_EQ(check_channel_name("#server-to-user-a#b"), ChannelNameError::InvalidCharacter);
    EXPECT_EQ(check_channel_name("#server-to-user-a b"), ChannelNameError::InvalidCharacter);
    EXPECT_EQ(check_channel_name("#other"), ChannelNameError::InvalidCharacter);
    EXPECT_EQ(check_channel_name("private-#x"), ChannelNameError::InvalidCharacter);
    const std::string longest(kMaxChannelNameLength - kServerToUserPrefix.size(), '1');
    EXPECT_TRUE(is_valid_channel_name(server_to_user_channel(longest)));
    EXPECT_EQ(check_channel_name(server_to_user_channel(longest + "1")), ChannelNameError::TooLong);
}

TEST(ChannelName, ErrorsHaveDescriptions) {
    for (const auto e : {ChannelNameError::Empty, ChannelNameError::TooLong,
                         ChannelNameError::InvalidCharacter, ChannelNameError::EmptyServerUserId}) {
        EXPECT_FALSE(describe(e).empty());
    }
}

TEST(ServerToUser, BuildsAndSplitsTheReservedName) {
    EXPECT_EQ(server_to_user_channel("12345"), "#server-to-user-12345");
    EXPECT_EQ(server_to_user_id("#server-to-user-12345"), "12345");
    EXPECT_EQ(server_to_user_id("#server-to-user-"), "");
    EXPECT_FALSE(server_to_user_id("private-x"));
    EXPECT_FALSE(server_to_user_id("#server-to-user"));
}

}  // namespace
}  // namespace herald::pusher
