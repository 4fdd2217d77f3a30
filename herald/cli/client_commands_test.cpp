// The client subcommands without a server: parsing, auth output (protocol.md §7.10 vector A1),
// keygen, exit statuses for bad input, and the --pretty tables. The subcommands against a running
// server are in tests/interop/sdk/cli.test.mjs.
#include "herald/cli/client_commands.h"

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <gtest/gtest.h>

#include "herald/cli/client_output.h"
#include "herald/sdk/json.h"
#include "herald/util/base64.h"

namespace herald::cli {
namespace {

struct Outcome {
    int status = -1;
    std::string out;
    std::string err;
};

std::string read_all(std::FILE* file) {
    std::rewind(file);
    std::string text;
    char buffer[512];
    while (const std::size_t n = std::fread(buffer, 1, sizeof buffer, file)) {
        text.append(buffer, n);
    }
    std::fclose(file);
    return text;
}

Outcome run(std::vector<std::string> args, const Environment& env = {}) {
    CLI::App app{"test", "herald"};
    const ClientCommands commands(app);
    std::reverse(args.begin(), args.end());
    app.parse(args);
    std::FILE* out = std::tmpfile();
    std::FILE* err = std::tmpfile();
    Outcome outcome;
    outcome.status = commands.run(env, out, err).value_or(-1);
    outcome.out = read_all(out);
    outcome.err = read_all(err);
    return outcome;
}

const Environment kVectorEnv{
        {"HERALD_URL", "http://278d425bdf160c739803:7ad3773142a6692b25b8@127.0.0.1:1/apps/3"}};

TEST(ClientCommands, AuthPrintsTheDocumentedSignature) {
    const auto a = run({"auth", "private-foobar", "1234.1234"}, kVectorEnv);
    EXPECT_EQ(a.status, 0) << a.err;
    EXPECT_EQ(
            a.out,
            R"({"auth":"278d425bdf160c739803:58df8b0c36d6982b82c3ecf6b4662e34fe8c25bba48f5369f135bf843651c3a4"})"
            "\n");
    const auto p = run({"auth", "presence-foobar", "1234.1234", "--user-id", "10", "--user-info",
                        R"({"name":"Mr. Channels"})"},
                       kVectorEnv);
    EXPECT_EQ(p.status, 0) << p.err;
    const auto json = sdk::Json::parse(p.out);
    EXPECT_EQ(json["channel_data"].as_string(),
              R"({"user_id":"10","user_info":{"name":"Mr. Channels"}})");
    EXPECT_TRUE(json["auth"].as_string().ends_with(
            "4c6d8fc42a207ba96a0779844171b0bb819d96ffceef9609f5cce596ab17a800"));
}

TEST(ClientCommands, BadInputAndMissingCredentialsExitWithTwoAndSayWhy) {
    const auto no_credentials = run({"channels"});
    EXPECT_EQ(no_credentials.status, 2);
    EXPECT_NE(no_credentials.err.find("no app credentials"), std::string::npos);
    const auto bad_socket = run({"auth", "private-a", "nope"}, kVectorEnv);
    EXPECT_EQ(bad_socket.status, 2);
    EXPECT_NE(bad_socket.err.find("invalid socket id 'nope'"), std::string::npos);
    const auto bad_json =
            run({"auth", "presence-a", "1.1", "--user-id", "u", "--user-info", "{"}, kVectorEnv);
    EXPECT_EQ(bad_json.status, 2);
    EXPECT_NE(bad_json.err.find("not valid JSON"), std::string::npos);
    const auto bad_channel = run({"trigger", "a b", "e", "{}"}, kVectorEnv);
    EXPECT_EQ(bad_channel.status, 2);
    EXPECT_TRUE(bad_channel.out.empty());
    const auto one_bad_among_many = run({"trigger", "a", "b c", "d", "e", "{}"}, kVectorEnv);
    EXPECT_EQ(one_bad_among_many.status, 2);
    EXPECT_NE(one_bad_among_many.err.find("invalid channel name 'b c'"), std::string::npos);
}

TEST(ClientCommands, TriggerTakesOneToAHundredChannelsBeforeEventAndData) {
    const auto no_channel = run({"trigger", "e", "{}", "--info", "x"}, kVectorEnv);
    EXPECT_EQ(no_channel.status, 2);
    EXPECT_NE(no_channel.err.find("give CHANNEL... EVENT DATA"), std::string::npos)
            << no_channel.err;
    std::vector<std::string> args{"trigger"};
    for (int i = 0; i < 101; ++i) {
        args.push_back("c" + std::to_string(i));
    }
    args.insert(args.end(), {"e", "{}"});
    const auto too_many = run(args, kVectorEnv);
    EXPECT_EQ(too_many.status, 2);
    EXPECT_NE(too_many.err.find("101"), std::string::npos) << too_many.err;
    // 100 channels pass the checks and reach the (unreachable) server: exit 1, not 2.
    args.erase(args.begin() + 1);
    args.push_back("--timeout");
    args.push_back("2");
    const auto hundred = run(args, kVectorEnv);
    EXPECT_EQ(hundred.status, 1) << hundred.err;
    EXPECT_NE(hundred.err.find("POST /apps/3/events: no answer"), std::string::npos) << hundred.err;
}

TEST(ClientCommands, AnUnreachableServerExitsWithOne) {
    const auto r = run({"channels", "--timeout", "2"}, kVectorEnv);  // port 1: refused
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.err.find("herald channels: GET /apps/3/channels: no answer"), std::string::npos)
            << r.err;
}

TEST(ClientCommands, KeygenPrintsFreshCredentials) {
    const auto a = run({"keygen"});
    const auto b = run({"keygen"});
    ASSERT_EQ(a.status, 0);
    const auto json = sdk::Json::parse(a.out);
    EXPECT_EQ(json["key"].as_string().size(), 20U);
    EXPECT_EQ(json["secret"].as_string().size(), 20U);
    EXPECT_EQ(json["app_id"].as_string().size(), 7U);
    EXPECT_EQ(util::base64_decode(json["encryption_master_key_base64"].as_string())->size(), 32U);
    EXPECT_NE(a.out, b.out);
    const auto pretty = run({"keygen", "--pretty"});
    EXPECT_NE(pretty.out.find("[[apps]]\nid = \""), std::string::npos);
}

TEST(ClientOutput, PrettyTables) {
    const auto channels = sdk::Json::parse(
            R"({"channels":{"presence-a":{"user_count":3},"b":{"subscription_count":12}}})");
    EXPECT_EQ(channels_table(channels),
              "CHANNEL     user_count  subscription_count\n"
              "presence-a  3           -\n"
              "b           -           12\n");
    EXPECT_EQ(channels_table(sdk::Json::parse(R"({"channels":{}})")), "(no channels)\n");
    EXPECT_EQ(key_value_lines(sdk::Json::parse(R"({"occupied":true,"user_count":2})")),
              "occupied    true\nuser_count  2\n");
    EXPECT_EQ(user_lines(sdk::Json::parse(R"({"users":[{"id":"1"},{"id":"2"}]})")), "1\n2\n");
    EXPECT_EQ(user_lines(sdk::Json::parse(R"({"users":[]})")), "(no users)\n");
}

}  // namespace
}  // namespace herald::cli
