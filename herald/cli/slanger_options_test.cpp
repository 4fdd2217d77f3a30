#include "herald/cli/slanger_options.h"

#include <string>

#include <gtest/gtest.h>

namespace herald::cli {
namespace {

std::string error_of(std::string_view yaml) {
    try {
        (void)parse_slanger_yaml(yaml, "slanger.yml");
    } catch (const ConfigError& e) {
        return e.what();
    }
    return "";
}

TEST(SlangerYaml, ReadsEverySlangerKey) {
    const auto s = parse_slanger_yaml(R"(
app_key: 765ec374ae0a69f4ce44
secret: your-pusher-secret
api_host: 0.0.0.0
api_port: '4567'
websocket_host: 0.0.0.0
websocket_port: 8080
redis_address: redis://127.0.0.1:6379/0
webhook_url: https://example.com/pusher
debug: true
activity_timeout: 150
pid_file: /var/run/slanger.pid
tls_options:
  cert_chain_file: mycert.cer
  private_key_file: my.key
)",
                                      "slanger.yml");
    EXPECT_EQ(*s.get<std::string>("app_key"), "765ec374ae0a69f4ce44");
    EXPECT_EQ(*s.get<std::string>("app_secret"), "your-pusher-secret");
    EXPECT_FALSE(s.get<std::string>("app_id"));
    EXPECT_EQ(*s.get<std::string>("api_host"), "0.0.0.0");
    EXPECT_EQ(*s.get<std::uint16_t>("api_port"), 4567);
    EXPECT_EQ(*s.get<std::string>("host"), "0.0.0.0");
    EXPECT_EQ(*s.get<std::uint16_t>("port"), 8080);
    EXPECT_EQ(*s.get<std::string>("redis_url"), "redis://127.0.0.1:6379/0");
    EXPECT_EQ(*s.get<std::vector<std::string>>("app_webhook_urls"),
              std::vector<std::string>{"https://example.com/pusher"});
    EXPECT_TRUE(*s.get<bool>("verbose"));
    EXPECT_EQ(*s.get<std::chrono::seconds>("activity_timeout"), std::chrono::seconds(150));
    EXPECT_EQ(*s.get<std::string>("pid_file"), "/var/run/slanger.pid");
    EXPECT_EQ(*s.get<std::string>("tls.certificate_chain"), "mycert.cer");
    EXPECT_EQ(*s.get<std::string>("tls.private_key"), "my.key");
    EXPECT_EQ(s.get<std::string>("app_key").origin, "slanger.yml:2:10: app_key");
}

TEST(SlangerYaml, ReadsHeraldExtensions) {
    const auto s = parse_slanger_yaml("app_id: '1234'\nenable_client_events: yes\n", "s.yml");
    EXPECT_EQ(*s.get<std::string>("app_id"), "1234");
    EXPECT_TRUE(*s.get<bool>("app_client_events"));
}

TEST(SlangerYaml, AcceptsRubySymbolKeys) {
    const auto s = parse_slanger_yaml(":app_key: k\n:secret: s\n", "s.yml");
    EXPECT_EQ(*s.get<std::string>("app_key"), "k");
    EXPECT_EQ(*s.get<std::string>("app_secret"), "s");
}

TEST(SlangerYaml, HostMayCarryAPort) {
    const auto s =
            parse_slanger_yaml("websocket_host: 127.0.0.1:9000\napi_host: '[::1]:9001'\n", "s.yml");
    EXPECT_EQ(*s.get<std::string>("host"), "127.0.0.1");
    EXPECT_EQ(*s.get<std::uint16_t>("port"), 9000);
    EXPECT_EQ(*s.get<std::string>("api_host"), "::1");
    EXPECT_EQ(*s.get<std::uint16_t>("api_port"), 9001);
}

TEST(SlangerYaml, EmptyDocumentGivesNothing) {
    const auto s = parse_slanger_yaml("", "s.yml");
    EXPECT_FALSE(s.get<std::string>("app_key"));
    EXPECT_FALSE(s.get<std::uint16_t>("port"));
}

TEST(SlangerYaml, RubyOnlyKeysAreClearErrors) {
    EXPECT_NE(error_of("require:\n  - ./plugin.rb\n").find("cannot load Ruby code"),
              std::string::npos);
    EXPECT_NE(error_of("socket_handler: MyHandler\n").find("cannot load Ruby code"),
              std::string::npos);
}

TEST(SlangerYaml, UnknownKeyIsAnErrorWithAHint) {
    const auto error = error_of("app_key: k\nsecrte: s\n");
    EXPECT_TRUE(
            error.starts_with("config error: slanger.yml:2:1: unknown key \"secrte\" "
                              "(did you mean \"secret\"?)"))
            << error;
    EXPECT_NE(error_of("tls_options:\n  cert_file: x\n")
                      .find("unknown key \"tls_options.cert_file\""),
              std::string::npos);
}

TEST(SlangerYaml, BadValuesNameKeyAndLine) {
    EXPECT_EQ(error_of("app_key: k\nwebsocket_port: eighty\n"),
              "config error: slanger.yml:2:17: websocket_port = \"eighty\": expected a port number "
              "(0-65535)");
    EXPECT_NE(error_of("debug: sometimes\n").find("debug = \"sometimes\""), std::string::npos);
    EXPECT_NE(error_of("activity_timeout: 0\n").find("activity_timeout = \"0\""),
              std::string::npos);
    EXPECT_NE(error_of("secret:\n").find("secret = nothing: expected a string"), std::string::npos);
    EXPECT_NE(error_of("app_key: [a, b]\n").find("app_key = a list"), std::string::npos);
    EXPECT_NE(error_of("redis_address: 127.0.0.1\n").find("redis_address"), std::string::npos);
    EXPECT_NE(error_of("webhook_url: example.com\n").find("webhook_url"), std::string::npos);
    EXPECT_NE(error_of("tls_options: yes\n").find("tls_options = \"yes\": expected a mapping"),
              std::string::npos);
}

TEST(SlangerYaml, DocumentThatIsNotAMappingIsAnError) {
    EXPECT_NE(error_of("- a\n- b\n").find("expected a mapping"), std::string::npos);
}

TEST(SlangerYaml, MalformedDocumentReportsLine) {
    const auto error = error_of("app_key: k\nsecret: [unclosed\n");
    EXPECT_TRUE(error.starts_with("config error: slanger.yml:")) << error;
    EXPECT_NE(error.find(":3:"), std::string::npos) << error;
}

}  // namespace
}  // namespace herald::cli
