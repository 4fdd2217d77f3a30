#include "herald/cli/config_toml.h"

#include <chrono>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace herald::cli {
namespace {

std::string error_of(std::string_view toml) {
    try {
        (void)parse_toml_config(toml, "herald.toml");
    } catch (const ConfigError& e) {
        return e.what();
    }
    return "";
}

constexpr std::string_view kFull = R"(
host = "0.0.0.0"
port = 7000
api_host = "127.0.0.2"
api_port = 7001
threads = 3
path_prefix = "/ws/"
activity_timeout = 60
pong_timeout = 15
user_authentication_timeout = 12
strict_protocol = true
verbose = true
log_level = "debug"
pid_file = "/run/herald.pid"
redis_url = "redis://127.0.0.1:6379/0"

[tls]
certificate_chain = "/etc/herald/chain.pem"
private_key = "/etc/herald/key.pem"

[[apps]]
id = 12345
key = "first-key"
secret = "first-secret"
enabled = false
client_events = true
user_authentication_required = true
subscription_count_events = true
tls_only = true
allowed_origins = ["https://example.com", "*"]
webhook_urls = ["https://example.com/hook", "http://127.0.0.1/h2"]

[apps.limits]
max_connections = 0
max_message_bytes = 1
max_event_data_bytes = 2
max_event_name_length = 3
max_channel_name_length = 4
max_channels_per_trigger = 5
max_batch_events = 6
max_presence_members = 7
max_user_info_bytes = 8
max_user_id_length = 9
max_client_events_per_second = 10
max_backend_events_per_second = 0
max_channels_per_connection = 12
max_queued_bytes = 13

[[apps]]
id = "second"
key = "second-key"
secret = "second-secret"
)";

TEST(TomlConfig, ReadsEveryTopLevelKey) {
    const auto s = parse_toml_config(kFull, "herald.toml");
    EXPECT_EQ(*s.get<std::string>("host"), "0.0.0.0");
    EXPECT_EQ(*s.get<std::uint16_t>("port"), 7000);
    EXPECT_EQ(*s.get<std::string>("api_host"), "127.0.0.2");
    EXPECT_EQ(*s.get<std::uint16_t>("api_port"), 7001);
    EXPECT_EQ(*s.get<std::size_t>("threads"), 3U);
    EXPECT_EQ(*s.get<std::string>("path_prefix"), "/ws");
    EXPECT_EQ(*s.get<std::chrono::seconds>("activity_timeout"), std::chrono::seconds(60));
    EXPECT_EQ(*s.get<std::chrono::seconds>("pong_timeout"), std::chrono::seconds(15));
    EXPECT_EQ(*s.get<std::chrono::seconds>("user_authentication_timeout"),
              std::chrono::seconds(12));
    EXPECT_TRUE(*s.get<bool>("strict_protocol"));
    EXPECT_TRUE(*s.get<bool>("verbose"));
    EXPECT_EQ(*s.get<std::string>("log_level"), "debug");
    EXPECT_EQ(*s.get<std::string>("pid_file"), "/run/herald.pid");
    EXPECT_EQ(*s.get<std::string>("redis_url"), "redis://127.0.0.1:6379/0");
    EXPECT_EQ(*s.get<std::string>("tls.certificate_chain"), "/etc/herald/chain.pem");
    EXPECT_EQ(*s.get<std::string>("tls.private_key"), "/etc/herald/key.pem");
    EXPECT_EQ(s.get<std::uint16_t>("port").origin, "herald.toml:3:8: port");
}

TEST(TomlConfig, ReadsEveryAppKey) {
    const auto s = parse_toml_config(kFull, "herald.toml");
    ASSERT_EQ(s.apps->size(), 2U);
    const auto& app = s.apps->front();
    EXPECT_EQ(app.id, "12345");
    EXPECT_EQ(app.key, "first-key");
    EXPECT_EQ(app.secret, "first-secret");
    EXPECT_FALSE(app.enabled);
    EXPECT_TRUE(app.client_events);
    EXPECT_TRUE(app.user_authentication_required);
    EXPECT_TRUE(app.subscription_count_events);
    EXPECT_TRUE(app.tls_only);
    EXPECT_EQ(app.allowed_origins, (std::vector<std::string>{"https://example.com", "*"}));
    EXPECT_EQ(app.webhook_urls,
              (std::vector<std::string>{"https://example.com/hook", "http://127.0.0.1/h2"}));
}

TEST(TomlConfig, ReadsEveryLimit) {
    const auto s = parse_toml_config(kFull, "herald.toml");
    const auto& l = s.apps->front().limits;
    EXPECT_EQ(l.max_connections, 0U);
    EXPECT_EQ(l.max_message_bytes, 1U);
    EXPECT_EQ(l.max_event_data_bytes, 2U);
    EXPECT_EQ(l.max_event_name_length, 3U);
    EXPECT_EQ(l.max_channel_name_length, 4U);
    EXPECT_EQ(l.max_channels_per_trigger, 5U);
    EXPECT_EQ(l.max_batch_events, 6U);
    EXPECT_EQ(l.max_presence_members, 7U);
    EXPECT_EQ(l.max_user_info_bytes, 8U);
    EXPECT_EQ(l.max_user_id_length, 9U);
    EXPECT_EQ(l.max_client_events_per_second, 10U);
    EXPECT_EQ(l.max_backend_events_per_second, 0U);
    EXPECT_EQ(l.max_channels_per_connection, 12U);
    EXPECT_EQ(l.max_queued_bytes, 13U);
}

TEST(TomlConfig, AppDefaultsMatchTheStruct) {
    const auto s = parse_toml_config(kFull, "herald.toml");
    const auto& second = (*s.apps)[1];
    const server::App defaults;
    EXPECT_EQ(second.enabled, defaults.enabled);
    EXPECT_EQ(second.client_events, defaults.client_events);
    EXPECT_EQ(second.limits, defaults.limits);
    EXPECT_TRUE(second.allowed_origins.empty());
}

TEST(TomlConfig, EmptyDocumentGivesNothing) {
    const auto s = parse_toml_config("# nothing here\n", "herald.toml");
    EXPECT_FALSE(s.get<std::string>("host"));
    EXPECT_FALSE(s.get<std::uint16_t>("port"));
    EXPECT_FALSE(s.apps);
}

TEST(TomlConfig, LimitTypeErrorNamesPathValueAndLine) {
    const auto error = error_of(R"([[apps]]
id = "a"
key = "a"
secret = "s"
[[apps]]
id = "b"
key = "b"
secret = "s"
[apps.limits]
max_connections = "ten"
)");
    EXPECT_EQ(error,
              "config error: herald.toml:10:19: apps[1].limits.max_connections = \"ten\": expected "
              "a non-negative integer");
}

TEST(TomlConfig, NegativeLimitIsRejected) {
    EXPECT_NE(error_of("[[apps]]\nid='a'\nkey='a'\nsecret='s'\n[apps.limits]\nmax_batch_events = "
                       "0\n")
                      .find("apps[0].limits.max_batch_events = 0: expected a positive integer"),
              std::string::npos);
    EXPECT_NE(error_of("[[apps]]\nid='a'\nkey='a'\nsecret='s'\n[apps.limits]\nmax_connections = "
                       "-1\n")
                      .find("expected a non-negative integer"),
              std::string::npos);
}

TEST(TomlConfig, WrongTypesAreErrors) {
    EXPECT_EQ(error_of("port = \"6001\"\n"),
              "config error: herald.toml:1:8: port = \"6001\": expected a port number (0-65535)");
    EXPECT_EQ(error_of("verbose = \"yes\"\n"),
              "config error: herald.toml:1:11: verbose = \"yes\": expected true or false");
    EXPECT_EQ(error_of("host = 5\n"), "config error: herald.toml:1:8: host = 5: expected a string");
    EXPECT_EQ(error_of("threads = 1.5\n"),
              "config error: herald.toml:1:11: threads = 1.5: expected a non-negative integer");
    EXPECT_EQ(error_of("tls = \"on\"\n"),
              "config error: herald.toml:1:7: tls = \"on\": expected a table");
    EXPECT_NE(error_of("apps = 3\n").find("expected an array of tables"), std::string::npos);
    EXPECT_NE(error_of("[[apps]]\nid='a'\nkey='a'\nsecret='s'\nallowed_origins = 'x'\n")
                      .find("apps[0].allowed_origins = \"x\": expected an array of strings"),
              std::string::npos);
    EXPECT_NE(error_of("[[apps]]\nid='a'\nkey='a'\nsecret='s'\nwebhook_urls = [1]\n")
                      .find("apps[0].webhook_urls[0] = 1: expected an http:// or https:// URL"),
              std::string::npos);
}

TEST(TomlConfig, OutOfRangeValuesAreErrors) {
    EXPECT_EQ(error_of("port = 65536\n"),
              "config error: herald.toml:1:8: port = 65536: expected a port number (0-65535)");
    EXPECT_NE(error_of("api_port = -1\n").find("api_port = -1"), std::string::npos);
    EXPECT_NE(error_of("activity_timeout = 0\n").find("activity_timeout = 0"), std::string::npos);
    EXPECT_NE(error_of("pong_timeout = 100000\n").find("pong_timeout"), std::string::npos);
    EXPECT_NE(error_of("threads = -2\n").find("threads = -2"), std::string::npos);
}

TEST(TomlConfig, BadStringsAreErrors) {
    EXPECT_NE(error_of("log_level = \"loud\"\n").find("log_level = \"loud\""), std::string::npos);
    EXPECT_NE(error_of("path_prefix = \"ws\"\n").find("path_prefix"), std::string::npos);
    EXPECT_NE(error_of("redis_url = \"localhost\"\n").find("redis_url"), std::string::npos);
    EXPECT_NE(error_of("pid_file = \"\"\n").find("pid_file"), std::string::npos);
    EXPECT_NE(error_of("[[apps]]\nid='a'\nkey='a/b'\nsecret='s'\n").find("apps[0].key = \"a/b\""),
              std::string::npos);
    EXPECT_NE(error_of("[[apps]]\nid='a'\nkey='a'\nsecret=''\n").find("apps[0].secret"),
              std::string::npos);
    EXPECT_NE(error_of("[[apps]]\nid='a'\nkey='a'\nsecret='s'\nwebhook_urls=['ftp://x']\n")
                      .find("webhook_urls[0] = \"ftp://x\""),
              std::string::npos);
}

TEST(TomlConfig, UnknownTopLevelKeyIsAnErrorWithAHint) {
    EXPECT_EQ(error_of("host = \"::\"\nprot = 80\n"),
              "config error: herald.toml:2:1: unknown key \"prot\" (did you mean \"port\"?)");
    EXPECT_EQ(error_of("colour = 1\n"), "config error: herald.toml:1:1: unknown key \"colour\"");
}

TEST(TomlConfig, UnknownKeysInTablesAreErrors) {
    EXPECT_NE(error_of("[[apps]]\nid='a'\nkey='a'\nsecret='s'\nclientevents = true\n")
                      .find("unknown key \"apps[0].clientevents\" (did you mean "
                            "\"client_events\"?)"),
              std::string::npos);
    EXPECT_NE(error_of("[[apps]]\nid='a'\nkey='a'\nsecret='s'\n[apps.limits]\nmax_conections = "
                       "1\n")
                      .find("unknown key \"apps[0].limits.max_conections\" (did you mean "
                            "\"max_connections\"?)"),
              std::string::npos);
    EXPECT_NE(error_of("[tls]\ncert = 'x'\n").find("unknown key \"tls.cert\""), std::string::npos);
}

TEST(TomlConfig, TopLevelLimitsTableExplainsWhereLimitsGo) {
    EXPECT_NE(error_of("[limits]\nmax_connections = 5\n").find("[apps.limits]"), std::string::npos);
}

TEST(TomlConfig, MissingAppCredentialsAreErrors) {
    EXPECT_NE(error_of("[[apps]]\nid = 'a'\nkey = 'k'\n").find("apps[0].secret is missing"),
              std::string::npos);
    EXPECT_NE(error_of("[[apps]]\nkey = 'k'\nsecret = 's'\n").find("apps[0].id is missing"),
              std::string::npos);
    EXPECT_NE(error_of("[[apps]]\nid = 'a'\nsecret = 's'\n").find("apps[0].key is missing"),
              std::string::npos);
}

TEST(TomlConfig, DuplicateAppIdsAndKeysAreErrors) {
    EXPECT_NE(error_of("[[apps]]\nid='a'\nkey='k1'\nsecret='s'\n[[apps]]\nid='a'\nkey='k2'\n"
                       "secret='s'\n")
                      .find("apps[1].id = \"a\": expected an id that no other app uses (apps[0] "
                            "has it)"),
              std::string::npos);
    EXPECT_NE(error_of("[[apps]]\nid='a'\nkey='k'\nsecret='s'\n[[apps]]\nid='b'\nkey='k'\n"
                       "secret='s'\n[[apps]]\nid='c'\nkey='k3'\nsecret='s'\n")
                      .find("apps[1].key = \"k\""),
              std::string::npos);
    EXPECT_NE(error_of("[[apps]]\nid=1\nkey='k'\nsecret='s'\n[[apps]]\nid='1'\nkey='j'\n"
                       "secret='s'\n")
                      .find("apps[1].id = \"1\""),
              std::string::npos);
}

TEST(TomlConfig, DuplicateIsReportedAtItsOwnLine) {
    EXPECT_EQ(error_of("[[apps]]\nid='a'\nkey='k'\nsecret='s'\n[[apps]]\nid='b'\nsecret='s'\n"
                       "key='k'\n"),
              "config error: herald.toml:8:5: apps[1].key = \"k\": expected a key that no other "
              "app uses (apps[0] has it)");
}

TEST(TomlConfig, MalformedDocumentReportsLineAndColumn) {
    const auto error = error_of("host = \"a\"\nport = = 3\n");
    EXPECT_TRUE(error.starts_with("config error: herald.toml:2:")) << error;
    const auto unterminated = error_of("\n\n[[apps]]\nid = \"a\n");
    EXPECT_TRUE(unterminated.starts_with("config error: herald.toml:4:")) << unterminated;
}

TEST(TomlConfig, DuplicateKeyInDocumentIsAnError) {
    EXPECT_TRUE(error_of("port = 1\nport = 2\n").starts_with("config error: herald.toml:2:"));
}

TEST(TomlConfig, ReadsWebhookTargetsAndSettings) {
    const auto s = parse_toml_config(R"(
[webhooks]
batch_window_ms = 50
batch_max_events = 5
grace_ms = 200
request_timeout_ms = 1000
retry_window_ms = 6000
retry_initial_ms = 10
retry_max_ms = 100
shutdown_flush_ms = 300
spool_path = "/var/lib/herald/spool"
spool_max_bytes = 1000000
dead_letter_path = ""

[[apps]]
id = "a"
key = "a"
secret = "s"
webhook_urls = ["http://h/all"]

[[apps.webhooks]]
url = "https://example.com/presence"
event_types = ["member_added", "member_removed"]
filter = { prefix = "presence-" }
headers = { Authorization = "Bearer t", "X-Empty" = "" }

[[apps.webhooks]]
url = "http://127.0.0.1:9000/h"
)",
                                     "herald.toml");
    const auto w = resolve(s).webhooks;
    EXPECT_EQ(w.batch_window, std::chrono::milliseconds(50));
    EXPECT_EQ(w.batch_max_events, 5U);
    EXPECT_EQ(w.grace, std::chrono::milliseconds(200));
    EXPECT_EQ(w.request_timeout, std::chrono::milliseconds(1000));
    EXPECT_EQ(w.retry_window, std::chrono::milliseconds(6000));
    EXPECT_EQ(w.retry_initial, std::chrono::milliseconds(10));
    EXPECT_EQ(w.retry_max, std::chrono::milliseconds(100));
    EXPECT_EQ(w.shutdown_flush, std::chrono::milliseconds(300));
    EXPECT_EQ(w.spool_path, "/var/lib/herald/spool");
    EXPECT_EQ(w.spool_max_bytes, 1000000U);
    EXPECT_EQ(w.dead_letter_path, "");
    const auto& app = s.apps->front();
    EXPECT_EQ(app.webhook_urls, std::vector<std::string>{"http://h/all"});
    ASSERT_EQ(app.webhooks.size(), 2U);
    EXPECT_EQ(app.webhooks[0],
              (webhooks::Target{
                      "https://example.com/presence",
                      {webhooks::EventType::MemberAdded, webhooks::EventType::MemberRemoved},
                      "presence-",
                      {{"Authorization", "Bearer t"}, {"X-Empty", ""}}}));
    EXPECT_EQ(app.webhooks[1], (webhooks::Target{"http://127.0.0.1:9000/h", {}, ""}));
}

TEST(TomlConfig, BadWebhooksAreErrors) {
    const std::string app = "[[apps]]\nid='a'\nkey='a'\nsecret='s'\n";
    EXPECT_NE(error_of(app + "[[apps.webhooks]]\nevent_types = []\n").find("url is missing"),
              std::string::npos);
    EXPECT_NE(error_of(app + "[[apps.webhooks]]\nurl = 'http://h/'\nevent_types = ['nope']\n")
                      .find("event_types[0] = \"nope\": expected one of channel_occupied"),
              std::string::npos);
    EXPECT_NE(
            error_of(app + "[[apps.webhooks]]\nurl = 'http://h /'\n").find("url = \"http://h /\""),
            std::string::npos);
    EXPECT_NE(error_of(app + "[[apps.webhooks]]\nurl = 'http://h/'\nfilter = { suffix = 'x' }\n")
                      .find("unknown key"),
              std::string::npos);
    const auto header_error = [&](const std::string& headers) {
        return error_of(app + "[[apps.webhooks]]\nurl = 'http://h/'\nheaders = " + headers + "\n");
    };
    const auto injected = header_error(R"({ "X-A" = "secret\r\nX-B: 1" })");
    EXPECT_NE(injected.find("herald.toml:"), std::string::npos) << injected;
    EXPECT_NE(injected.find("apps[0].webhooks[0].headers.X-A: header X-A has a control character"),
              std::string::npos)
            << injected;
    EXPECT_EQ(injected.find("secret"), std::string::npos) << injected;  // the value stays out
    EXPECT_NE(header_error("{ X-Pusher-Key = 'k' }").find("set by Herald"), std::string::npos);
    EXPECT_NE(header_error("{ \"a b\" = 'v' }").find("HTTP token"), std::string::npos);
    EXPECT_NE(header_error("{ X-A = 1 }").find("headers.X-A = 1: expected a string"),
              std::string::npos);
    EXPECT_NE(header_error("['X-A']").find("headers = an array: expected a table"),
              std::string::npos);
    EXPECT_NE(error_of("[webhooks]\ngrace_mss = 3\n").find("did you mean \"grace_ms\""),
              std::string::npos);
    EXPECT_NE(error_of("[webhooks]\nbatch_max_events = 0\n").find("batch_max_events = 0"),
              std::string::npos);
    EXPECT_NE(error_of("[webhooks]\nspool_path = 3\n").find("spool_path = 3"), std::string::npos);
}

}  // namespace
}  // namespace herald::cli
