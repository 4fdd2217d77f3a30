#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "herald/cli/config_load.h"
#include "herald/cli/config_toml.h"
#include "herald/cli/slanger_options.h"
#include "herald/cli/temp_file.h"

namespace herald::cli {
namespace {

// A broken file and every problem `herald config check` reports for it, each "LINE:COL: message".
struct Broken {
    const char* name;
    const char* text;
    std::vector<std::string> problems;
};

// What check_config_file reports for `text`, each without the "FILE:" that starts it.
std::vector<std::string> problems_of(const std::string& text, const char* extension) {
    const TempFile file(text, extension);
    const auto diagnostics = check_config_file(file.path(), "-C");
    std::vector<std::string> out;
    for (const auto& problem : diagnostics.problems()) {
        EXPECT_TRUE(problem.starts_with(file.path() + ":")) << problem;
        out.push_back(problem.substr(problem.starts_with(file.path() + ":") ? file.path().size() + 1
                                                                            : 0));
    }
    return out;
}

const Broken kBrokenToml[] = {
        {"unknown key with a hint",
         "host = \"::\"\nprot = 80\n",
         {"2:1: unknown key \"prot\" (did you mean \"port\"?)"}},
        {"unknown key in a table",
         "[webhooks]\ngrace_mss = 3\n",
         {"2:1: unknown key \"webhooks.grace_mss\" (did you mean \"grace_ms\"?)"}},
        {"wrong type",
         "port = \"6001\"\n",
         {"1:8: port = \"6001\": expected a port number (0-65535)"}},
        {"bad value",
         "log_level = \"loud\"\n",
         {"1:13: log_level = \"loud\": expected one of trace, debug, info, warn, error, off"}},
        {"out of range",
         "[webhooks]\nbatch_max_events = 0\n",
         {"2:20: webhooks.batch_max_events = 0: expected a positive integer"}},
        {"bad log format",
         "[log]\nformat = \"xml\"\n",
         {"2:10: log.format = \"xml\": expected one of text, json"}},
        {"duplicate app id and key",
         "[[apps]]\nid = 'a'\nkey = 'k'\nsecret = 's'\n[[apps]]\nid = 'a'\nkey = 'k'\nsecret = "
         "'s'\n",
         {"6:6: apps[1].id = \"a\": expected an id that no other app uses (apps[0] has it)",
          "7:7: apps[1].key = \"k\": expected a key that no other app uses (apps[0] has it)"}},
        {"duplicate key (a TOML syntax error)",
         "port = 1\nport = 2\n",
         {"2:8: Error while parsing key-value pair: cannot redefine existing integer 'port'"}},
        {"syntax error",
         "port = \n",
         {"1:8: Error while parsing key-value pair: expected value, saw '\\n'"}},
        {"missing app keys",
         "[[apps]]\nid = 'a'\n",
         {"1:1: apps[0].key is missing (every app needs an id, a key and a secret)",
          "1:1: apps[0].secret is missing (every app needs an id, a key and a secret)"}},
        {"a bad element of an array",
         "[[apps]]\nid='a'\nkey='k'\nsecret='s'\n"
         "webhook_urls = ['http://ok/', 'ftp://no/']\n",
         {"5:31: apps[0].webhook_urls[1] = \"ftp://no/\": expected an http:// or https:// URL "
          "without spaces"}},
        {"a check across settings",
         "api_host = \"0.0.0.0\"\n",
         {"1:12: api_host = \"0.0.0.0\" but no API port is given: set api_port (--api-port, "
          "HERALD_API_PORT) too, or drop it to serve the REST API on the WebSocket port"}},
        {"every problem, in the order of the file",
         "prot = 1\nthreads = -1\n[tls]\ncertificate_chain = 5\n[[apps]]\nid = 'a'\nkey = 'k'\n"
         "secret = 's'\ncolour = 1\n[apps.limits]\nmax_connections = 'ten'\n",
         {"1:1: unknown key \"prot\" (did you mean \"port\"?)",
          "2:11: threads = -1: expected a non-negative integer",
          "4:21: tls.certificate_chain = 5: expected a string",
          "9:1: unknown key \"apps[0].colour\"",
          "11:19: apps[0].limits.max_connections = \"ten\": expected a non-negative integer"}},
};

TEST(ConfigCheck, ReportsEveryProblemOfEachBrokenTomlFileWithLineAndColumn) {
    for (const auto& broken : kBrokenToml) {
        EXPECT_EQ(problems_of(broken.text, ".toml"), broken.problems) << broken.name;
    }
}

const Broken kBrokenYaml[] = {
        {"unknown key",
         "app_key: k\nsecrte: s\n",
         {"2:1: unknown key \"secrte\" (did you mean \"secret\"?); Herald reads the Slanger keys "
          "listed in docs/CONFIGURATION.md"}},
        {"bad value and duplicate key",
         "websocket_port: eighty\napp_key: k\napp_key: j\n",
         {"1:17: websocket_port = \"eighty\": expected a port number (0-65535)",
          "3:1: duplicate key \"app_key\""}},
        {"nested",
         "tls_options:\n  cert_chain_file: [1]\n  nope: 2\n",
         {"2:20: tls_options.cert_chain_file = a list: expected a string",
          "3:3: unknown key \"tls_options.nope\"; Herald reads the Slanger keys listed in "
          "docs/CONFIGURATION.md"}},
        {"syntax error", "app_key: [k\n", {"2:1: end of sequence flow not found"}},
};

TEST(ConfigCheck, ReportsEveryProblemOfEachBrokenSlangerFileWithLineAndColumn) {
    for (const auto& broken : kBrokenYaml) {
        EXPECT_EQ(problems_of(broken.text, ".yml"), broken.problems) << broken.name;
    }
}

TEST(ConfigCheck, GoodFilesHaveNoProblems) {
    EXPECT_EQ(problems_of("port = 7000\n[[apps]]\nid = 'a'\nkey = 'k'\nsecret = 's'\n", ".toml"),
              std::vector<std::string>{});
    EXPECT_EQ(problems_of("app_key: k\nsecret: s\nwebsocket_port: '8080'\n", ".yml"),
              std::vector<std::string>{});
}

TEST(ConfigCheck, AFileThatCannotBeReadIsOneProblem) {
    const auto diagnostics = check_config_file("/nonexistent/herald.toml", "-C");
    ASSERT_EQ(diagnostics.problems().size(), 1U);
    EXPECT_EQ(diagnostics.problems()[0],
              "cannot read config file \"/nonexistent/herald.toml\" (from -C): No such file or "
              "directory");
}

TEST(ConfigCheck, ServeStillStopsAtTheFirstProblemAndSaysHowManyMore) {
    try {
        (void)parse_toml_config("threads = -1\nprot = 1\n", "herald.toml");
        ADD_FAILURE() << "no error";
    } catch (const ConfigError& e) {
        EXPECT_STREQ(e.what(),
                     "config error: herald.toml:1:11: threads = -1: expected a non-negative "
                     "integer (and 1 more: `herald config check` lists them all)");
    }
    EXPECT_THROW((void)parse_slanger_yaml("bogus: 1\n", "slanger.yml"), ConfigError);
}

}  // namespace
}  // namespace herald::cli
