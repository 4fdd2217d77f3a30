#include "herald/client/auth_endpoint.h"

#include <gtest/gtest.h>

namespace herald::client {
namespace {

TEST(AuthEndpoint, EncodesLikeEncodeURIComponent) {
    EXPECT_EQ(encode_uri_component("AZaz09-_.!~*'()"), "AZaz09-_.!~*'()");
    EXPECT_EQ(encode_uri_component("a b+c/d?e=f&g#h;i,j:k@l$"),
              "a%20b%2Bc%2Fd%3Fe%3Df%26g%23h%3Bi%2Cj%3Ak%40l%24");
    EXPECT_EQ(encode_uri_component("\xC3\xA9"), "%C3%A9");
}

TEST(AuthEndpoint, TheBodyIsSocketIdChannelNameThenTheParams) {
    EXPECT_EQ(auth_request_body("123.456", "private-a", {}),
              "socket_id=123.456&channel_name=private-a");
    EXPECT_EQ(auth_request_body("1.2", "presence-r=@", {{"user id", "7"}, {"x", "a&b"}}),
              "socket_id=1.2&channel_name=presence-r%3D%40&user%20id=7&x=a%26b");
}

TEST(AuthEndpoint, ASigninBodyIsSocketIdThenTheParams) {
    EXPECT_EQ(auth_request_body("1.2", std::nullopt, {{"user_id", "7"}}),
              "socket_id=1.2&user_id=7");
}

}  // namespace
}  // namespace herald::client
