#include "herald/cli/config_load.h"

#include <filesystem>
#include <functional>
#include <ostream>
#include <string>

#include <gtest/gtest.h>

#include "herald/cli/state_dir.h"
#include "herald/cli/temp_file.h"

namespace herald::cli {
namespace {

using server::ServerConfig;

std::string error_of(const CommandLine& args, const Environment& env) {
    try {
        (void)load_config(args, env);
    } catch (const ConfigError& e) {
        return e.what();
    }
    return "";
}

bool contains(const std::string& text, std::string_view part) {
    return text.find(part) != std::string::npos;
}

TEST(LoadConfig, NoConfigurationGivesOneNodeWithTheDevelopmentApp) {
    const auto config = load_config({}, {});
    ServerConfig expected;
    expected.apps = {server::development_app()};
    // The state directory is chosen, and the webhook files put in it, only by load_config.
    expected.state_dir = default_state_dir({});
    expected.webhooks.spool_path = expected.state_dir + "/webhooks.spool";
    expected.webhooks.dead_letter_path = expected.state_dir + "/webhooks.dead";
    EXPECT_EQ(config, expected);
    EXPECT_EQ(config.listen.host, "127.0.0.1");
    EXPECT_EQ(config.listen.port, 6001);
    EXPECT_FALSE(config.api_listen);
    ASSERT_EQ(config.apps.size(), 1U);
    EXPECT_EQ(config.apps[0].id, "app-id");
    EXPECT_EQ(config.apps[0].key, "app-key");
    EXPECT_EQ(config.apps[0].secret, "app-secret");
    EXPECT_TRUE(config.apps[0].client_events);
}

TEST(LoadConfig, FlagsBeatEnvironmentWhichBeatsTheFile) {
    const TempFile file("port = 7000\nhost = \"127.0.0.3\"\nthreads = 2\n", ".toml");
    CommandLine args;
    args.set("config", "--config", {file.path()});
    Environment env{{"HERALD_PORT", "7001"}, {"HERALD_HOST", "127.0.0.4"}};
    EXPECT_EQ(load_config(args, {}).listen.port, 7000);
    EXPECT_EQ(load_config(args, env).listen.port, 7001);
    EXPECT_EQ(load_config(args, env).listen.host, "127.0.0.4");
    EXPECT_EQ(load_config(args, env).threads, 2U);
    args.set("port", "--port", {"7002"});
    const auto config = load_config(args, env);
    EXPECT_EQ(config.listen.port, 7002);
    EXPECT_EQ(config.listen.host, "127.0.0.4");
}

// One row per HERALD_* variable: its flag, a file line, three values and how to read the result.
struct Row {
    std::string variable;
    std::string setting;    // whose flag the row gives
    std::string file_line;  // gives file_value
    std::string env_value;
    std::string flag_value;
    std::function<std::string(const ServerConfig&)> read;
};

// GoogleTest looks the printer up by this name.
void PrintTo(const Row& row, std::ostream* out) {  // NOLINT(readability-identifier-naming)
    *out << row.variable;
}

class PrecedenceTest : public ::testing::TestWithParam<Row> {};

TEST_P(PrecedenceTest, EachSettingFollowsFileThenEnvironmentThenFlag) {
    const auto& row = GetParam();
    const TempFile file(row.file_line + "\n", ".toml");
    CommandLine args;
    args.set("config", "--config", {file.path()});
    const auto from_file = row.read(load_config(args, {}));
    const auto from_env = row.read(load_config(args, {{row.variable, row.env_value}}));
    args.set(row.setting, "--flag", {row.flag_value});
    const auto from_flag = row.read(load_config(args, {{row.variable, row.env_value}}));
    EXPECT_NE(from_file, from_env);
    EXPECT_EQ(from_env, row.env_value);
    EXPECT_EQ(from_flag, row.flag_value);
}

std::string app_key(const ServerConfig& c) {
    return c.apps.at(0).key;
}

INSTANTIATE_TEST_SUITE_P(
        LoadConfig, PrecedenceTest,
        ::testing::Values(Row{"HERALD_HOST", "host", "host = '127.0.0.2'", "127.0.0.3", "127.0.0.5",
                              [](const ServerConfig& c) {
                                  return c.listen.host;
                              }},
                          Row{"HERALD_PORT", "port", "port = 1", "2", "3",
                              [](const ServerConfig& c) {
                                  return std::to_string(c.listen.port);
                              }},
                          Row{"HERALD_THREADS", "threads", "threads = 1", "2", "3",
                              [](const ServerConfig& c) {
                                  return std::to_string(c.threads);
                              }},
                          Row{"HERALD_PATH_PREFIX", "path_prefix", "path_prefix = '/a'", "/b", "/c",
                              [](const ServerConfig& c) {
                                  return c.path_prefix;
                              }},
                          Row{"HERALD_ACTIVITY_TIMEOUT", "activity_timeout",
                              "activity_timeout = 10", "20", "30",
                              [](const ServerConfig& c) {
                                  return std::to_string(c.activity_timeout.count());
                              }},
                          Row{"HERALD_LOG_LEVEL", "log_level", "log_level = 'warn'", "error",
                              "trace",
                              [](const ServerConfig& c) {
                                  return c.log_level;
                              }},
                          Row{"HERALD_PID_FILE", "pid_file", "pid_file = '/a.pid'", "/b.pid",
                              "/c.pid",
                              [](const ServerConfig& c) {
                                  return c.pid_file.value_or("");
                              }},
                          Row{"HERALD_REDIS_URL", "redis_url", "redis_url = 'redis://a'",
                              "redis://b", "redis://c",
                              [](const ServerConfig& c) {
                                  return c.redis_url.value_or("");
                              }},
                          Row{"HERALD_API_HOST", "api_host", "api_host = '127.0.0.7'\napi_port = 9",
                              "127.0.0.8", "127.0.0.9",
                              [](const ServerConfig& c) {
                                  return c.api_listen->host;
                              }},
                          Row{"HERALD_API_PORT", "api_port", "api_port = 11", "12", "13",
                              [](const ServerConfig& c) {
                                  return std::to_string(c.api_listen->port);
                              }},
                          Row{"HERALD_ADMIN_HOST", "admin.host",
                              "[admin]\nhost = '127.0.0.7'\nport = 9", "127.0.0.8", "127.0.0.9",
                              [](const ServerConfig& c) {
                                  return c.admin.host;
                              }},
                          Row{"HERALD_ADMIN_PORT", "admin.port", "[admin]\nport = 11", "12", "13",
                              [](const ServerConfig& c) {
                                  return std::to_string(c.admin.port.value_or(0));
                              }},
                          Row{"HERALD_APP_KEY", "app_key",
                              "[[apps]]\nid = 'i'\nkey = 'k1'\nsecret = 's'", "k2", "k3", app_key},
                          Row{"HERALD_APP_ID", "app_id",
                              "[[apps]]\nid = 'i1'\nkey = 'k'\nsecret = 's'", "i2", "i3",
                              [](const ServerConfig& c) {
                                  return c.apps.at(0).id;
                              }},
                          Row{"HERALD_APP_SECRET", "app_secret",
                              "[[apps]]\nid = 'i'\nkey = 'k'\nsecret = 's1'", "s2", "s3",
                              [](const ServerConfig& c) {
                                  return c.apps.at(0).secret;
                              }}));

TEST(LoadConfig, AShortAdminTokenIsRefusedWithoutBeingRepeated) {
    const auto error = error_of({}, {{"HERALD_ADMIN_TOKEN", "short-secret"}});
    EXPECT_NE(error.find("HERALD_ADMIN_TOKEN"), std::string::npos) << error;
    EXPECT_NE(error.find("at least 16 characters"), std::string::npos) << error;
    EXPECT_EQ(error.find("short-secret"), std::string::npos) << error;
    const auto config = load_config({}, {{"HERALD_ADMIN_TOKEN", "a-long-enough-token"}});
    EXPECT_EQ(config.admin.token, "a-long-enough-token");
    EXPECT_TRUE(config.admin.dashboard);
}

TEST(LoadConfig, BooleanSettingsFollowPrecedence) {
    const TempFile file(
            "verbose = true\n[[apps]]\nid='i'\nkey='k'\nsecret='s'\nclient_events = "
            "true\n",
            ".toml");
    CommandLine args;
    args.set("config", "--config", {file.path()});
    EXPECT_TRUE(load_config(args, {}).verbose);
    EXPECT_TRUE(load_config(args, {}).apps[0].client_events);
    const Environment env{{"HERALD_VERBOSE", "false"}, {"HERALD_ENABLE_CLIENT_EVENTS", "no"}};
    EXPECT_FALSE(load_config(args, env).verbose);
    EXPECT_FALSE(load_config(args, env).apps[0].client_events);
    args.set("verbose", "--verbose", {"true"});
    args.set("app_client_events", "--enable-client-events", {"true"});
    EXPECT_TRUE(load_config(args, env).verbose);
    EXPECT_TRUE(load_config(args, env).apps[0].client_events);
}

TEST(LoadConfig, StrictProtocolFromEnvironmentAndFlag) {
    EXPECT_FALSE(load_config({}, {}).strict_protocol);
    EXPECT_TRUE(load_config({}, {{"HERALD_STRICT_PROTOCOL", "1"}}).strict_protocol);
    CommandLine args;
    args.set("strict_protocol", "--strict-protocol", {"false"});
    EXPECT_FALSE(load_config(args, {{"HERALD_STRICT_PROTOCOL", "1"}}).strict_protocol);
}

TEST(LoadConfig, ConfigFileFromEnvironmentAndFlagWins) {
    const TempFile a("port = 1111\n", ".toml");
    const TempFile b("port = 2222\n", ".toml");
    EXPECT_EQ(load_config({}, {{"HERALD_CONFIG", a.path()}}).listen.port, 1111);
    CommandLine args;
    args.set("config", "--config", {b.path()});
    EXPECT_EQ(load_config(args, {{"HERALD_CONFIG", a.path()}}).listen.port, 2222);
}

TEST(LoadConfig, EmptyVariablesCountAsUnset) {
    const auto config = load_config({}, {{"HERALD_PORT", ""}, {"HERALD_CONFIG", ""}});
    EXPECT_EQ(config.listen.port, 6001);
}

TEST(LoadConfig, BadVariableNamesTheVariable) {
    EXPECT_EQ(error_of({}, {{"HERALD_PORT", "abc"}}),
              "config error: HERALD_PORT = \"abc\": expected a port number (0-65535)");
    EXPECT_EQ(error_of({}, {{"HERALD_VERBOSE", "loud"}}),
              "config error: HERALD_VERBOSE = \"loud\": expected true or false (also 1/0, "
              "yes/no, on/off)");
    EXPECT_TRUE(contains(error_of({}, {{"HERALD_THREADS", "-1"}}), "HERALD_THREADS"));
    EXPECT_TRUE(contains(error_of({}, {{"HERALD_WEBHOOK_URL", "x"}}), "HERALD_WEBHOOK_URL"));
}

TEST(LoadConfig, BadFlagNamesTheFlag) {
    CommandLine args;
    args.set("port", "--port", {"70000"});
    EXPECT_EQ(error_of(args, {}),
              "config error: --port = \"70000\": expected a port number (0-65535)");
}

TEST(LoadConfig, FlagErrorsComeBeforeFileErrors) {
    CommandLine args;
    args.set("config", "--config", {"/nonexistent/herald.toml"});
    args.set("log_level", "--log-level", {"chatty"});
    EXPECT_TRUE(contains(error_of(args, {}), "--log-level"));
}

TEST(LoadConfig, MissingFileIsAnError) {
    CommandLine args;
    args.set("config", "--config", {"/nonexistent/herald.toml"});
    EXPECT_EQ(error_of(args, {}),
              "config error: cannot read config file \"/nonexistent/herald.toml\" (from "
              "--config): No such file or directory");
    EXPECT_TRUE(contains(error_of({}, {{"HERALD_CONFIG", "/nonexistent/h.toml"}}),
                         "(from HERALD_CONFIG)"));
}

TEST(LoadConfig, DirectoryAsFileIsAnError) {
    CommandLine args;
    args.set("config", "--config", {std::filesystem::temp_directory_path().string()});
    EXPECT_TRUE(contains(error_of(args, {}), "it is a directory"));
}

TEST(LoadConfig, FileErrorsNameTheFile) {
    const TempFile file("port = 1\nprot = 2\n", ".toml");
    CommandLine args;
    args.set("config", "--config", {file.path()});
    EXPECT_EQ(error_of(args, {}), "config error: " + file.path() +
                                          ":2:1: unknown key \"prot\" (did you mean \"port\"?)");
}

TEST(LoadConfig, YamlFileIsReadAsSlangerConfiguration) {
    const TempFile file("app_key: slanger-key\nsecret: slanger-secret\nwebsocket_port: 8080\n",
                        ".yml");
    CommandLine args;
    args.set("config", "-C", {file.path()});
    auto config = load_config(args, {});
    EXPECT_EQ(config.listen.port, 8080);
    ASSERT_EQ(config.apps.size(), 1U);
    EXPECT_EQ(config.apps[0].key, "slanger-key");
    EXPECT_EQ(config.apps[0].id, "slanger-key");
    EXPECT_EQ(config.apps[0].secret, "slanger-secret");
    EXPECT_FALSE(config.apps[0].client_events);
    args.set("app_key", "-k", {"flag-key"});
    config = load_config(args, {});
    EXPECT_EQ(config.apps[0].key, "flag-key");
    EXPECT_EQ(config.apps[0].secret, "slanger-secret");
}

TEST(LoadConfig, AppFromFlagsNeedsKeyAndSecretAndTakesTheKeyAsId) {
    CommandLine args;
    args.set("app_key", "--app-key", {"my-key"});
    EXPECT_TRUE(contains(error_of(args, {}),
                         "--app-key = \"my-key\" but the app secret is "
                         "missing"));
    args.set("app_secret", "--app-secret", {"my-secret"});
    auto config = load_config(args, {});
    ASSERT_EQ(config.apps.size(), 1U);
    EXPECT_EQ(config.apps[0].id, "my-key");
    EXPECT_EQ(config.apps[0].key, "my-key");
    EXPECT_EQ(config.apps[0].secret, "my-secret");
    EXPECT_FALSE(config.apps[0].client_events);
    args.set("app_id", "--app-id", {"42"});
    EXPECT_EQ(load_config(args, {}).apps[0].id, "42");
}

TEST(LoadConfig, SecretAloneIsAnErrorThatHidesTheSecret) {
    const auto error = error_of({}, {{"HERALD_APP_SECRET", "hunter2"}});
    EXPECT_TRUE(contains(error, "HERALD_APP_SECRET")) << error;
    EXPECT_TRUE(contains(error, "app key is missing")) << error;
    EXPECT_FALSE(contains(error, "hunter2")) << error;
}

TEST(LoadConfig, IdAloneIsAnError) {
    EXPECT_TRUE(contains(error_of({}, {{"HERALD_APP_ID", "7"}}), "HERALD_APP_ID = \"7\""));
}

TEST(LoadConfig, AppMayComeHalfFromEnvironmentHalfFromFlags) {
    CommandLine args;
    args.set("app_secret", "-s", {"flag-secret"});
    const auto config = load_config(args, {{"HERALD_APP_KEY", "env-key"}});
    EXPECT_EQ(config.apps[0].key, "env-key");
    EXPECT_EQ(config.apps[0].secret, "flag-secret");
}

TEST(LoadConfig, ClientEventsSwitchAloneAppliesToTheDevelopmentApp) {
    CommandLine args;
    args.set("app_client_events", "--enable-client-events", {"false"});
    const auto config = load_config(args, {});
    ASSERT_EQ(config.apps.size(), 1U);
    EXPECT_EQ(config.apps[0].key, "app-key");
    EXPECT_FALSE(config.apps[0].client_events);
}

TEST(LoadConfig, SingleAppSettingsWithSeveralFileAppsAreAnError) {
    const TempFile file(
            "[[apps]]\nid='a'\nkey='a'\nsecret='s'\n[[apps]]\nid='b'\nkey='b'\n"
            "secret='s'\n",
            ".toml");
    CommandLine args;
    args.set("config", "--config", {file.path()});
    EXPECT_EQ(load_config(args, {}).apps.size(), 2U);
    EXPECT_EQ(error_of(args, {{"HERALD_APP_KEY", "x"}}),
              "config error: HERALD_APP_KEY sets the one app's settings, but " + file.path() +
                      " defines 2 apps: set them in the file's [[apps]] entries instead");
    args.set("app_client_events", "--enable-client-events", {"true"});
    EXPECT_TRUE(contains(error_of(args, {}), "--enable-client-events sets the one app's"));
}

TEST(LoadConfig, WebhookUrlsFromFlagsAndEnvironment) {
    CommandLine args;
    args.set("app_webhook_urls", "--webhook-url", {"https://a.example/h", "http://b/h"});
    EXPECT_EQ(load_config(args, {}).apps[0].webhook_urls,
              (std::vector<std::string>{"https://a.example/h", "http://b/h"}));
    EXPECT_EQ(load_config({}, {{"HERALD_WEBHOOK_URL", "https://c/h"}}).apps[0].webhook_urls,
              std::vector<std::string>{"https://c/h"});
    args.set("app_webhook_urls", "--webhook-url", {"c/h"});
    EXPECT_TRUE(contains(error_of(args, {}), "--webhook-url = \"c/h\""));
}

TEST(LoadConfig, SlangerAddressesSetSeparateListeners) {
    CommandLine args;
    args.set("websocket_address", "--websocket_host", {"0.0.0.0:8080"});
    args.set("api_address", "--api_host", {"0.0.0.0:4567"});
    const auto config = load_config(args, {});
    EXPECT_EQ(config.listen, (server::Endpoint{"0.0.0.0", 8080}));
    ASSERT_TRUE(config.api_listen);
    EXPECT_EQ(*config.api_listen, (server::Endpoint{"0.0.0.0", 4567}));
}

TEST(LoadConfig, SlangerAddressWithoutPortKeepsThePort) {
    CommandLine args;
    args.set("websocket_address", "-w", {"127.0.0.9"});
    EXPECT_EQ(load_config(args, {}).listen, (server::Endpoint{"127.0.0.9", 6001}));
    args.set("websocket_address", "-w", {":7777"});
    EXPECT_EQ(load_config(args, {}).listen, (server::Endpoint{"127.0.0.1", 7777}));
}

TEST(LoadConfig, SlangerAddressAndHeraldHostTogetherAreAnError) {
    CommandLine args;
    args.set("websocket_address", "--websocket_host", {"0.0.0.0:8080"});
    args.set("port", "--port", {"9000"});
    EXPECT_EQ(error_of(args, {}),
              "config error: --websocket_host and --port both set the address: use one");
    CommandLine api;
    api.set("api_address", "--api_host", {"0.0.0.0:4567"});
    api.set("api_host", "--api-host", {"::"});
    EXPECT_TRUE(contains(error_of(api, {}), "--api_host and --api-host"));
}

TEST(LoadConfig, ApiHostDefaultsToTheFinalHost) {
    const TempFile file("api_port = 7100\n", ".toml");
    CommandLine args;
    args.set("config", "--config", {file.path()});
    args.set("host", "--host", {"0.0.0.0"});
    EXPECT_EQ(*load_config(args, {}).api_listen, (server::Endpoint{"0.0.0.0", 7100}));
}

TEST(LoadConfig, ApiHostWithoutPortIsAnError) {
    EXPECT_TRUE(contains(error_of({}, {{"HERALD_API_HOST", "0.0.0.0"}}),
                         "HERALD_API_HOST = \"0.0.0.0\" but no API port is given"));
}

TEST(LoadConfig, TheAdminListenerIsOffUnlessItsPortIsGiven) {
    EXPECT_FALSE(load_config({}, {}).admin.port);
    EXPECT_EQ(load_config({}, {}).admin.host, "127.0.0.1");
    const auto config = load_config({}, {{"HERALD_ADMIN_PORT", "0"}});
    EXPECT_EQ(config.admin.port, std::uint16_t{0});
    EXPECT_TRUE(contains(error_of({}, {{"HERALD_ADMIN_HOST", "0.0.0.0"}}),
                         "HERALD_ADMIN_HOST = \"0.0.0.0\" but no admin port is given"));
}

TEST(LoadConfig, ApiPortEqualToWebSocketPortIsAnError) {
    CommandLine args;
    args.set("port", "--port", {"7000"});
    args.set("api_port", "--api-port", {"7000"});
    EXPECT_TRUE(contains(error_of(args, {}), "--api-port = 7000: expected a port other than"));
    args.set("port", "--port", {"0"});
    args.set("api_port", "--api-port", {"0"});
    EXPECT_EQ(load_config(args, {}).api_listen->port, 0);  // two ephemeral ports differ
}

TEST(LoadConfig, TlsNeedsBothFilesAndTheyMustExist) {
    const TempFile chain("chain", ".pem");
    const TempFile key("key", ".pem");
    CommandLine args;
    args.set("tls.certificate_chain", "--cert_file", {chain.path()});
    EXPECT_TRUE(contains(error_of(args, {}), "but the private key is missing"));
    args.set("tls.private_key", "--private_key_file", {"/nonexistent/key.pem"});
    EXPECT_EQ(error_of(args, {}),
              "config error: --private_key_file = \"/nonexistent/key.pem\": expected an "
              "existing file");
    args.set("tls.private_key", "--private_key_file", {key.path()});
    const auto config = load_config(args, {});
    ASSERT_TRUE(config.tls);
    EXPECT_EQ(config.tls->certificate_chain, chain.path());
    EXPECT_EQ(config.tls->private_key, key.path());
}

TEST(LoadConfig, TlsFilesMayComeFromFileAndFlags) {
    const TempFile chain("chain", ".pem");
    const TempFile key("key", ".pem");
    const TempFile file("[tls]\ncertificate_chain = '" + chain.path() + "'\n", ".toml");
    CommandLine args;
    args.set("config", "--config", {file.path()});
    args.set("tls.private_key", "-p", {key.path()});
    EXPECT_EQ(load_config(args, {}).tls, (server::TlsFiles{chain.path(), key.path()}));
}

TEST(LoadConfig, RubyRequireIsAClearError) {
    CommandLine args;
    args.set("require", "--require", {"plugin.rb"});
    EXPECT_TRUE(contains(error_of(args, {}),
                         "--require = \"plugin.rb\": Herald cannot load Ruby code"));
}

TEST(EnvironmentWarnings, FlagNearMissesOnly) {
    const Environment env{{"HERALD_PROT", "1"}, {"HERALD_PORT", "2"}, {"HERALD_ECHO_SERVER", "x"},
                          {"HERALD_JOBS", "2"}, {"PATH", "/bin"},     {"HERALD_APP_KYE", "k"}};
    const auto warnings = environment_warnings(env);
    ASSERT_EQ(warnings.size(), 2U);
    EXPECT_TRUE(contains(warnings[0], "HERALD_APP_KYE")) << warnings[0];
    EXPECT_TRUE(contains(warnings[0], "did you mean HERALD_APP_KEY")) << warnings[0];
    EXPECT_TRUE(contains(warnings[1], "did you mean HERALD_PORT")) << warnings[1];
}

TEST(ProcessEnvironment, ReadsTheRealEnvironment) {
    // The only test that touches the process environment; no other thread reads it meanwhile.
    ::setenv("HERALD_CLI_TEST_VARIABLE", "a=b", 1);  // NOLINT(concurrency-mt-unsafe)
    const auto env = process_environment();
    ::unsetenv("HERALD_CLI_TEST_VARIABLE");  // NOLINT(concurrency-mt-unsafe)
    ASSERT_TRUE(env.contains("HERALD_CLI_TEST_VARIABLE"));
    EXPECT_EQ(env.at("HERALD_CLI_TEST_VARIABLE"), "a=b");
}

}  // namespace
}  // namespace herald::cli
