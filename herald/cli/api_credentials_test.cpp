#include "herald/cli/api_credentials.h"

#include <gtest/gtest.h>

#include "herald/sdk/errors.h"

namespace herald::cli {
namespace {

std::string error_of(const CredentialFlags& flags, const Environment& env) {
    try {
        static_cast<void>(api_options(flags, env));
    } catch (const sdk::ConfigurationError& e) {
        return e.what();
    }
    return "no error";
}

TEST(ApiCredentials, FlagsWinOverHeraldUrlWhichWinsOverPusherUrl) {
    const Environment env{{"HERALD_URL", "http://hk:hs@herald.local:6001/apps/h"},
                          {"PUSHER_URL", "https://pk:ps@api-eu.pusher.com/apps/p"}};
    CredentialFlags flags;
    auto options = api_options(flags, env);
    EXPECT_EQ(options.key, "hk");
    EXPECT_EQ(sdk::resolve_endpoint(options).base_url(), "http://herald.local:6001");

    options = api_options(flags, {{"PUSHER_URL", env.at("PUSHER_URL")}});
    EXPECT_EQ(options.app_id, "p");
    EXPECT_TRUE(options.use_tls);

    flags.key = "flag-key";
    flags.port = "7000";
    flags.use_tls = true;
    flags.timeout_seconds = "3";
    flags.insecure = true;
    options = api_options(flags, env);
    EXPECT_EQ(options.key, "flag-key");
    EXPECT_EQ(options.secret, "hs");
    EXPECT_EQ(sdk::resolve_endpoint(options).base_url(), "https://herald.local:7000");
    EXPECT_EQ(options.timeout, std::chrono::seconds(3));
    EXPECT_FALSE(options.verify_tls);

    CredentialFlags url_flag;
    url_flag.url = "http://uk:us@127.0.0.1:1/apps/u";
    EXPECT_EQ(api_options(url_flag, env).key, "uk");
}

TEST(ApiCredentials, ErrorsSayWhatIsMissingAndWhereItCameFrom) {
    EXPECT_NE(error_of({}, {}).find("no app credentials"), std::string::npos);
    EXPECT_NE(error_of({}, {{"HERALD_URL", "http://nope"}}).find("HERALD_URL: invalid API URL"),
              std::string::npos);
    CredentialFlags flags;
    flags.url = "ftp://x";
    EXPECT_NE(error_of(flags, {}).find("--url: invalid API URL"), std::string::npos);
    CredentialFlags partial;
    partial.app_id = "1";
    partial.key = "k";
    EXPECT_EQ(error_of(partial, {}), "secret is missing");
    CredentialFlags port;
    port.url = "http://k:s@h/apps/1";
    port.port = "70000";
    EXPECT_EQ(error_of(port, {}),
              R"(config error: --port = "70000": expected a port number (0-65535))");
    port.port = "0";
    EXPECT_EQ(error_of(port, {}), "port 0 is not a port to connect to");
    CredentialFlags timeout;
    timeout.url = port.url;
    timeout.timeout_seconds = "soon";
    EXPECT_NE(error_of(timeout, {}).find(R"(--timeout = "soon")"), std::string::npos);
}

}  // namespace
}  // namespace herald::cli
