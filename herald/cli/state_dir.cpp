#include "herald/cli/state_dir.h"

#include <filesystem>
#include <stdexcept>
#include <system_error>

#include <fmt/format.h>
#include <unistd.h>

namespace herald::cli {

namespace {

namespace fs = std::filesystem;

constexpr std::string_view kSpoolName = "webhooks.spool";
constexpr std::string_view kDeadLetterName = "webhooks.dead";

bool writable_directory(const fs::path& path) {
    std::error_code ec;
    return fs::is_directory(path, ec) && ::access(path.c_str(), W_OK | X_OK) == 0;
}

// A directory Herald may keep its files in: it is writable, or its parent is and it is missing.
bool usable(const fs::path& path) {
    std::error_code ec;
    if (fs::exists(path, ec)) {
        return writable_directory(path);
    }
    return writable_directory(path.parent_path());
}

std::string variable(const Environment& env, std::string_view name) {
    const auto it = env.find(name);
    return it == env.end() ? std::string() : it->second;
}

}  // namespace

std::string default_state_dir(const Environment& env, std::string_view system) {
    if (usable(fs::path(system))) {
        return std::string(system);
    }
    // XDG: a relative XDG_STATE_HOME is invalid and ignored.
    if (const auto xdg = variable(env, "XDG_STATE_HOME"); !xdg.empty() && xdg.front() == '/') {
        return (fs::path(xdg) / "herald").string();
    }
    if (const auto home = variable(env, "HOME"); !home.empty()) {
        return (fs::path(home) / ".local" / "state" / "herald").string();
    }
    return ".";
}

void place_state(const Settings& settings, const Environment& env, server::ServerConfig& config) {
    if (config.state_dir.empty()) {
        config.state_dir = default_state_dir(env);
    }
    const fs::path dir(config.state_dir);
    if (settings.find("webhooks.spool_path") == nullptr) {
        config.webhooks.spool_path = (dir / kSpoolName).string();
    }
    if (settings.find("webhooks.dead_letter_path") == nullptr) {
        config.webhooks.dead_letter_path = (dir / kDeadLetterName).string();
    }
}

void create_state_dir(const std::string& path) {
    std::error_code ec;
    fs::create_directories(path, ec);
    if (ec || !fs::is_directory(path)) {
        throw std::runtime_error(fmt::format(
                "cannot create the state directory \"{}\": {} (set another with --state-dir or "
                "HERALD_STATE_DIR)",
                path, ec ? ec.message() : "it is not a directory"));
    }
}

}  // namespace herald::cli
