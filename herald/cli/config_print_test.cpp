#include "herald/cli/config_print.h"

#include <string>

#include <gtest/gtest.h>

#include "herald/cli/config_load.h"
#include "herald/cli/settings.h"
#include "herald/cli/state_dir.h"
#include "herald/cli/temp_file.h"

namespace herald::cli {
namespace {

bool contains(const std::string& text, std::string_view part) {
    return text.find(part) != std::string::npos;
}

std::string printed(const CommandLine& args, const Environment& env) {
    const auto layers = load_layers(args, env);
    const auto merged = merge(layers);
    auto config = resolve(merged);
    place_state(merged, env, config);
    return print_config(layers, config);
}

TEST(ConfigPrint, EachValueSaysWhereItCameFrom) {
    const TempFile file("port = 7000\nhost = \"0.0.0.0\"\n\n[webhooks]\ngrace_ms = 10\n", ".toml");
    CommandLine args;
    args.set("config", "--config", {file.path()});
    args.set("port", "--port", {"7001"});
    const auto text = printed(args, {{"HERALD_THREADS", "3"}, {"HERALD_STATE_DIR", "/srv/h"}});
    EXPECT_TRUE(contains(text, "\nport = 7001  # flag --port\n")) << text;
    EXPECT_TRUE(contains(text, "\nhost = \"0.0.0.0\"  # file " + file.path() + ":2\n")) << text;
    EXPECT_TRUE(contains(text, "\nwebhooks.grace_ms = 10  # file " + file.path() + ":5\n")) << text;
    EXPECT_TRUE(contains(text, "\nthreads = 3  # env HERALD_THREADS\n")) << text;
    EXPECT_TRUE(contains(text, "\nactivity_timeout = 120  # default\n")) << text;
    EXPECT_TRUE(contains(text, "\npid_file = unset  # default\n")) << text;
    EXPECT_TRUE(contains(text, "\nstate_dir = \"/srv/h\"  # env HERALD_STATE_DIR\n")) << text;
    EXPECT_TRUE(contains(text, "\nwebhooks.spool_path = \"/srv/h/webhooks.spool\"  # default\n"))
            << text;
    EXPECT_TRUE(contains(text, "id = \"app-id\"  # default: the development app")) << text;
}

TEST(ConfigPrint, SecretsAreMasked) {
    const TempFile chain("chain", ".pem");
    const TempFile key("key", ".pem");
    CommandLine args;
    args.set("app_key", "--app-key", {"k"});
    args.set("app_secret", "--app-secret", {"very-secret"});
    args.set("redis_url", "--redis-url", {"redis://user:hunter2@127.0.0.1:6379/0"});
    args.set("tls.certificate_chain", "--cert-file", {chain.path()});
    args.set("tls.private_key", "--private-key-file", {key.path()});
    const auto text = printed(args, {{"HERALD_WEBHOOK_URL", "https://u:pw@example.com/h"},
                                     {"HERALD_ADMIN_TOKEN", "the-dashboard-token"}});
    EXPECT_FALSE(contains(text, "very-secret")) << text;
    EXPECT_FALSE(contains(text, "the-dashboard-token")) << text;
    EXPECT_TRUE(contains(text, "admin.token = (hidden)  # env HERALD_ADMIN_TOKEN")) << text;
    EXPECT_FALSE(contains(text, "hunter2")) << text;
    EXPECT_FALSE(contains(text, ":pw@")) << text;
    EXPECT_TRUE(contains(text, "secret = (hidden)  # flag --app-secret")) << text;
    // The key's path is no secret: it says which file to look at.
    EXPECT_TRUE(contains(text, "tls.private_key = \"" + key.path() + "\"  # flag")) << text;
    EXPECT_TRUE(contains(text, "redis_url = \"redis://user:***@127.0.0.1:6379/0\"  # flag"))
            << text;
    EXPECT_TRUE(contains(text,
                         "webhook_urls = [\"https://u:***@example.com/h\"]  # env "
                         "HERALD_WEBHOOK_URL"))
            << text;
}

TEST(ConfigPrint, MasksOnlyThePasswordOfAUrl) {
    EXPECT_EQ(mask_password("redis://:pw@h:1/0"), "redis://:***@h:1/0");
    EXPECT_EQ(mask_password("redis://h:1/0"), "redis://h:1/0");
    EXPECT_EQ(mask_password("redis://user@h"), "redis://user@h");
    EXPECT_EQ(mask_password("https://h/path?a=b:c@d"), "https://h/path?a=b:c@d");
    EXPECT_EQ(mask_password("not a url"), "not a url");
    EXPECT_EQ(mask_password("redis+sentinel://:pw@s1,s2/m/0?sentinel_password=sp&insecure=0"),
              "redis+sentinel://:***@s1,s2/m/0?sentinel_password=***&insecure=0");
    EXPECT_EQ(mask_password("rediss+sentinel://s1/m?insecure=1&sentinel_password=sp"),
              "rediss+sentinel://s1/m?insecure=1&sentinel_password=***");
}

}  // namespace
}  // namespace herald::cli
