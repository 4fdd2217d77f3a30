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
    EXPECT_EQ(*a.host, "0.0.0.0");
    EXPECT_EQ(a.host.origin, "--host");
    EXPECT_EQ(*a.port, "7000");
    EXPECT_EQ(*a.threads, "4");
    EXPECT_EQ(*a.path_prefix, "/ws");
    EXPECT_EQ(*a.log_level, "debug");
    EXPECT_EQ(*a.pid_file, "/p");
    EXPECT_EQ(*a.app_id, "1");
    EXPECT_EQ(*a.app_key, "k");
    EXPECT_EQ(*a.app_secret, "s");
    EXPECT_TRUE(*a.enable_client_events);
    EXPECT_TRUE(*a.verbose);
    EXPECT_EQ(*a.config_file, "h.toml");
    EXPECT_EQ(*a.api_host, "::");
    EXPECT_EQ(*a.api_port, "7001");
    EXPECT_TRUE(*a.strict_protocol);
    EXPECT_EQ(*a.activity_timeout, "30");
    EXPECT_EQ(*a.redis_url, "redis://r");
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
    EXPECT_EQ(*a.app_key, "key");
    EXPECT_EQ(a.app_key.origin, "--app-key");
    EXPECT_EQ(*a.app_secret, "secret");
    EXPECT_EQ(*a.config_file, "slanger.yml");
    EXPECT_EQ(*a.api_address, "0.0.0.0:4567");
    EXPECT_EQ(*a.websocket_address, "0.0.0.0:8080");
    EXPECT_TRUE(*a.verbose);
    EXPECT_EQ(*a.pid_file, "/p");
    EXPECT_EQ(*a.tls_private_key, "key.pem");
    EXPECT_EQ(*a.tls_certificate_chain, "cert.pem");
    EXPECT_EQ(*a.redis_url, "redis://r");
    EXPECT_EQ(*a.webhook_urls, (std::vector<std::string>{"https://h/1", "https://h/2"}));
}

TEST(ServeCommand, SlangerLongSpellings) {
    const auto a = parse({"--app_key", "key", "--secret", "s", "--config_file", "c.yml",
                          "--api_host", "h:1", "--websocket_host", "h:2", "--private_key_file", "k",
                          "--cert_file", "c", "--redis_address", "redis://x", "--require", "x.rb"});
    EXPECT_EQ(*a.app_key, "key");
    EXPECT_EQ(*a.app_secret, "s");
    EXPECT_EQ(*a.config_file, "c.yml");
    EXPECT_EQ(*a.api_address, "h:1");
    EXPECT_EQ(*a.websocket_address, "h:2");
    EXPECT_EQ(*a.tls_private_key, "k");
    EXPECT_EQ(*a.tls_certificate_chain, "c");
    EXPECT_EQ(*a.redis_url, "redis://x");
    EXPECT_EQ(*a.ruby_requires, std::vector<std::string>{"x.rb"});
}

TEST(ServeCommand, NegativeFlags) {
    EXPECT_FALSE(*parse({"--no-verbose"}).verbose);
    EXPECT_FALSE(*parse({"--disable-client-events"}).enable_client_events);
    EXPECT_FALSE(*parse({"--enable-client-events=false"}).enable_client_events);
    EXPECT_TRUE(*parse({"--enable-client-events=true"}).enable_client_events);
}

TEST(ServeCommand, NothingGivenLeavesEverythingUnset) {
    const auto a = parse({});
    EXPECT_FALSE(a.host);
    EXPECT_FALSE(a.port);
    EXPECT_FALSE(a.verbose);
    EXPECT_FALSE(a.enable_client_events);
    EXPECT_FALSE(a.webhook_urls);
}

TEST(ServeCommand, RepeatedOptionTakesTheLast) {
    EXPECT_EQ(*parse({"--port", "1", "--port", "2"}).port, "2");
}

TEST(ServeCommand, UnknownFlagIsAParseError) {
    CLI::App app{"test", "herald"};
    const ServeCommand serve(app);
    std::vector<std::string> args{"--prot", "serve"};  // reversed: serve --prot
    EXPECT_THROW(app.parse(args), CLI::ParseError);
}

}  // namespace
}  // namespace herald::cli
