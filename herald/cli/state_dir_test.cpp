#include "herald/cli/state_dir.h"

#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

#include <gtest/gtest.h>
#include <unistd.h>

namespace herald::cli {
namespace {

namespace fs = std::filesystem;

// A directory of its own in the temporary directory, removed with what it holds.
class TempDir {
public:
    TempDir() {
        path_ = fs::temp_directory_path() /
                ("herald_state_test_" + std::to_string(::getpid()) + "_" + std::to_string(next_++));
        fs::create_directories(path_);
    }

    ~TempDir() { fs::remove_all(path_); }

    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    [[nodiscard]] const fs::path& path() const { return path_; }

private:
    static inline int next_ = 0;
    fs::path path_;
};

TEST(StateDir, TheSystemDirectoryWhenItIsWritableOrCanBeCreated) {
    const TempDir dir;
    const auto system = (dir.path() / "herald").string();
    EXPECT_EQ(default_state_dir({}, system), system);  // missing, its parent writable
    fs::create_directory(system);
    EXPECT_EQ(default_state_dir({}, system), system);  // there
    EXPECT_FALSE(fs::exists(system + "/x"));
}

TEST(StateDir, ElseXdgStateHomeElseTheHomeElseTheWorkingDirectory) {
    const std::string system = "/nonexistent-parent/herald";  // cannot be created
    EXPECT_EQ(default_state_dir({{"XDG_STATE_HOME", "/x/state"}, {"HOME", "/home/u"}}, system),
              "/x/state/herald");
    // A relative XDG_STATE_HOME is invalid, and ignored.
    EXPECT_EQ(default_state_dir({{"XDG_STATE_HOME", "state"}, {"HOME", "/home/u"}}, system),
              "/home/u/.local/state/herald");
    EXPECT_EQ(default_state_dir({{"HOME", "/home/u"}}, system), "/home/u/.local/state/herald");
    EXPECT_EQ(default_state_dir({}, system), ".");
}

TEST(StateDir, TheWebhookFilesGoThereUnlessGiven) {
    Settings settings;
    server::ServerConfig config;
    config.state_dir = "/srv/herald";
    place_state(settings, {}, config);
    EXPECT_EQ(config.webhooks.spool_path, "/srv/herald/webhooks.spool");
    EXPECT_EQ(config.webhooks.dead_letter_path, "/srv/herald/webhooks.dead");

    settings.set("webhooks.spool_path", std::string("own.spool"), "herald.toml:3:14: x");
    settings.set("webhooks.dead_letter_path", std::string(), "herald.toml:4:20: x");
    server::ServerConfig given;
    given.state_dir = "/srv/herald";
    given.webhooks.spool_path = "own.spool";  // as resolve() stores them
    given.webhooks.dead_letter_path = "";
    place_state(settings, {}, given);
    EXPECT_EQ(given.webhooks.spool_path, "own.spool");
    EXPECT_EQ(given.webhooks.dead_letter_path, "");
}

TEST(StateDir, LoadConfigTakesTheGivenDirectory) {
    CommandLine args;
    args.set("state_dir", "--state-dir", {"/srv/a"});
    const auto config = load_config(args, {{"HERALD_STATE_DIR", "/srv/b"}});
    EXPECT_EQ(config.state_dir, "/srv/a");
    EXPECT_EQ(config.webhooks.spool_path, "/srv/a/webhooks.spool");
    EXPECT_EQ(load_config({}, {{"HERALD_STATE_DIR", "/srv/b"}}).state_dir, "/srv/b");
}

TEST(StateDir, CreatedWithItsParentsAndAFileInTheWayIsAnError) {
    const TempDir dir;
    const auto nested = (dir.path() / "a" / "b").string();
    create_state_dir(nested);
    EXPECT_TRUE(fs::is_directory(nested));
    create_state_dir(nested);  // already there
    const auto file = (dir.path() / "file").string();
    std::ofstream(file) << "x";
    try {
        create_state_dir(file);
        ADD_FAILURE() << "a file is no directory";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("cannot create the state directory \"" + file),
                  std::string::npos)
                << e.what();
    }
}

}  // namespace
}  // namespace herald::cli
