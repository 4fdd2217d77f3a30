#include "herald/cli/serve.h"

#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

#include <gtest/gtest.h>
#include <unistd.h>

namespace herald::cli {
namespace {

server::App app(std::string id, std::string key, std::string secret) {
    server::App a;
    a.id = std::move(id);
    a.key = std::move(key);
    a.secret = std::move(secret);
    return a;
}

TEST(DevelopmentCredentials, DetectedByKeyOrSecret) {
    server::ServerConfig config;
    EXPECT_TRUE(uses_development_credentials(config));  // no app: the server runs the dev app
    config.apps = {server::development_app()};
    EXPECT_TRUE(uses_development_credentials(config));
    config.apps = {app("1", "k", "s")};
    EXPECT_FALSE(uses_development_credentials(config));
    config.apps = {app("1", "k", "s"), app("2", "app-key", "other")};
    EXPECT_TRUE(uses_development_credentials(config));
    config.apps = {app("1", "k", "app-secret")};
    EXPECT_TRUE(uses_development_credentials(config));
}

TEST(ListeningLines, OneAppShowsItsUrls) {
    server::ServerConfig config;
    config.apps = {server::development_app()};
    const auto lines = listening_lines(config, 6001, std::nullopt);
    ASSERT_GE(lines.size(), 3U);
    EXPECT_EQ(lines[0], "herald listening on ws://127.0.0.1:6001/app/app-key");
    EXPECT_EQ(lines[1], "REST API on http://127.0.0.1:6001/apps/app-id");
    EXPECT_EQ(lines[2], "app app-id: key app-key, client events on");
}

TEST(ListeningLines, BoundPortsPrefixAndSeparateApi) {
    server::ServerConfig config;
    config.listen = {"::1", 0};
    config.api_listen = server::Endpoint{"0.0.0.0", 0};
    config.path_prefix = "/ws";
    config.apps = {app("1", "k1", "s"), app("2", "k2", "s")};
    config.apps[1].enabled = false;
    const auto lines = listening_lines(config, 41000, 41001);
    ASSERT_EQ(lines.size(), 4U);
    EXPECT_EQ(lines[0], "herald listening on ws://[::1]:41000/ws/app/{key}");
    EXPECT_EQ(lines[1], "REST API on http://0.0.0.0:41001/apps/{id}");
    EXPECT_EQ(lines[2], "app 1: key k1, client events off");
    EXPECT_EQ(lines[3], "app 2: key k2, client events off, DISABLED");
}

TEST(ListeningLines, TheAdminListenerShowsItsUrlsWithTheBoundPort) {
    server::ServerConfig config;
    config.apps = {server::development_app()};
    config.admin.port = 0;
    const auto lines = listening_lines(config, 6001, std::nullopt, 9601);
    ASSERT_EQ(lines.size(), 5U);
    EXPECT_EQ(lines[2],
              "admin on http://127.0.0.1:9601/metrics, http://127.0.0.1:9601/healthz, "
              "http://127.0.0.1:9601/readyz");
    EXPECT_EQ(lines[3], "dashboard on http://127.0.0.1:9601/dashboard");
    config.admin.token = "0123456789abcdef";
    EXPECT_EQ(listening_lines(config, 6001, std::nullopt, 9601)[3],
              "dashboard on http://127.0.0.1:9601/dashboard (log in with the admin token)");
    config.admin.dashboard = false;
    EXPECT_EQ(listening_lines(config, 6001, std::nullopt, 9601).size(), 4U);
}

TEST(PidFile, WritesThisProcessIdAndRemovesTheFile) {
    const auto path = (std::filesystem::temp_directory_path() /
                       ("herald_pid_test_" + std::to_string(::getpid())))
                              .string();
    {
        const PidFile pid(path);
        std::ifstream in(path);
        long written = 0;
        in >> written;
        EXPECT_EQ(written, static_cast<long>(::getpid()));
    }
    EXPECT_FALSE(std::filesystem::exists(path));
}

TEST(PidFile, NoPathWritesNothing) {
    EXPECT_NO_THROW({ const PidFile pid(std::nullopt); });
}

TEST(PidFile, UnwritablePathThrowsWithThePath) {
    try {
        const PidFile pid(std::string("/nonexistent/dir/herald.pid"));
        FAIL() << "no exception";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("/nonexistent/dir/herald.pid"), std::string::npos);
    }
}

}  // namespace
}  // namespace herald::cli
