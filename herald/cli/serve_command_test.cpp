#include "herald/cli/serve_command.h"

#include <algorithm>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <gtest/gtest.h>

namespace herald::cli {
namespace {

// Parses `herald serve ARGS...` and returns what the command gathered.
CommandLine parse(std::vector<std::string> args) {
    CLI::App app{"test", "herald"};
    const ServeCommand serve(app);
    args.insert(args.begin(), "serve");
    std::reverse(args.begin(), args.end());
    app.parse(args);
    EXPECT_TRUE(serve.chosen());
    return serve.command_line();
}

// The last text given for a setting.
std::string text(const CommandLine& args, std::string_view name) {
    return args.find(name)->value->back();
}

TEST(ServeCommand, HeraldFlags) {
    const auto a = parse({"--host",
                          "0.0.0.0",
                          "--port",
                          "7000",
                          "--threads",
                          "4",
                          "--path-prefix",
                          "/ws",
                          "--log-level",
                          "debug",
                          "--pid-file",
                          "/p",
                          "--app-id",
                          "1",
                          "--app-key",
                          "k",
                          "--app-secret",
                          "s",
                          "--enable-client-events",
                          "--verbose",
                          "--config",
                          "h.toml",
                          "--api-host",
                          "::",
                          "--api-port",
                          "7001",
                          "--strict-protocol",
                          "--activity-timeout",
                          "30",
                          "--redis-url",
                          "redis://r"});
    EXPECT_EQ(text(a, "host"), "0.0.0.0");
    EXPECT_EQ(a.find("host")->origin, "--host");
    EXPECT_EQ(text(a, "port"), "7000");
    EXPECT_EQ(text(a, "threads"), "4");
    EXPECT_EQ(text(a, "path_prefix"), "/ws");
    EXPECT_EQ(text(a, "log_level"), "debug");
    EXPECT_EQ(text(a, "pid_file"), "/p");
    EXPECT_EQ(text(a, "app_id"), "1");
    EXPECT_EQ(text(a, "app_key"), "k");
    EXPECT_EQ(text(a, "app_secret"), "s");
    EXPECT_EQ(text(a, "app_client_events"), "true");
    EXPECT_EQ(text(a, "verbose"), "true");
    EXPECT_EQ(text(a, "config"), "h.toml");
    EXPECT_EQ(text(a, "api_host"), "::");
    EXPECT_EQ(text(a, "api_port"), "7001");
    EXPECT_EQ(text(a, "strict_protocol"), "true");
    EXPECT_EQ(text(a, "activity_timeout"), "30");
    EXPECT_EQ(text(a, "redis_url"), "redis://r");
}

TEST(ServeCommand, SlangerFlags) {
    const auto a = parse({"-k",          "key",
                          "-s",          "secret",
                          "-C",          "slanger.yml",
                          "-a",          "0.0.0.0:4567",
                          "-w",          "0.0.0.0:8080",
                          "-v",          "--pid_file",
                          "/p",          "-p",
                          "key.pem",     "-c",
                          "cert.pem",    "-r",
                          "redis://r",   "-b",
                          "https://h/1", "--webhook_url",
                          "https://h/2"});
    EXPECT_EQ(text(a, "app_key"), "key");
    EXPECT_EQ(a.find("app_key")->origin, "--app-key");
    EXPECT_EQ(text(a, "app_secret"), "secret");
    EXPECT_EQ(text(a, "config"), "slanger.yml");
    EXPECT_EQ(text(a, "api_address"), "0.0.0.0:4567");
    EXPECT_EQ(text(a, "websocket_address"), "0.0.0.0:8080");
    EXPECT_EQ(text(a, "verbose"), "true");
    EXPECT_EQ(text(a, "pid_file"), "/p");
    EXPECT_EQ(text(a, "tls.private_key"), "key.pem");
    EXPECT_EQ(text(a, "tls.certificate_chain"), "cert.pem");
    EXPECT_EQ(text(a, "redis_url"), "redis://r");
    EXPECT_EQ(*a.find("app_webhook_urls")->value,
              (std::vector<std::string>{"https://h/1", "https://h/2"}));
}

TEST(ServeCommand, SlangerLongSpellings) {
    const auto a = parse({"--app_key", "key", "--secret", "s", "--config_file", "c.yml",
                          "--api_host", "h:1", "--websocket_host", "h:2", "--private_key_file", "k",
                          "--cert_file", "c", "--redis_address", "redis://x", "--require", "x.rb"});
    EXPECT_EQ(text(a, "app_key"), "key");
    EXPECT_EQ(text(a, "app_secret"), "s");
    EXPECT_EQ(text(a, "config"), "c.yml");
    EXPECT_EQ(text(a, "api_address"), "h:1");
    EXPECT_EQ(text(a, "websocket_address"), "h:2");
    EXPECT_EQ(text(a, "tls.private_key"), "k");
    EXPECT_EQ(text(a, "tls.certificate_chain"), "c");
    EXPECT_EQ(text(a, "redis_url"), "redis://x");
    EXPECT_EQ(*a.find("require")->value, std::vector<std::string>{"x.rb"});
}

TEST(ServeCommand, NegativeFlags) {
    EXPECT_EQ(text(parse({"--no-verbose"}), "verbose"), "false");
    EXPECT_EQ(text(parse({"--disable-client-events"}), "app_client_events"), "false");
    EXPECT_EQ(text(parse({"--enable-client-events=false"}), "app_client_events"), "false");
    EXPECT_EQ(text(parse({"--enable-client-events=true"}), "app_client_events"), "true");
}

TEST(ServeCommand, NothingGivenLeavesEverythingUnset) {
    const auto a = parse({});
    EXPECT_FALSE(a.find("host"));
    EXPECT_FALSE(a.find("port"));
    EXPECT_FALSE(a.find("verbose"));
    EXPECT_FALSE(a.find("app_client_events"));
    EXPECT_FALSE(a.find("app_webhook_urls"));
}

TEST(ServeCommand, RepeatedOptionTakesTheLast) {
    EXPECT_EQ(text(parse({"--port", "1", "--port", "2"}), "port"), "2");
}

TEST(ServeCommand, UnknownFlagIsAParseError) {
    CLI::App app{"test", "herald"};
    const ServeCommand serve(app);
    std::vector<std::string> args{"--prot", "serve"};  // reversed: serve --prot
    EXPECT_THROW(app.parse(args), CLI::ParseError);
}

}  // namespace
}  // namespace herald::cli
