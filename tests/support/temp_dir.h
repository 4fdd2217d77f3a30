// tests/support/temp_dir.h
//
// A fresh directory under the system's temporary directory, removed with everything in it when
// the object goes out of scope: where tests put spools, dead-letter files and files to transfer.
#pragma once

#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>

#include <stdlib.h>

namespace herald::support {

class TempDir {
public:
    // `name` becomes part of the directory's name, to tell test runs apart when one is kept.
    explicit TempDir(std::string_view name) {
        std::string pattern = (std::filesystem::temp_directory_path() /
                               ("herald-" + std::string(name) + "-XXXXXX"))
                                      .string();
        if (::mkdtemp(pattern.data()) == nullptr) {
            throw std::runtime_error("cannot make a temporary directory " + pattern);
        }
        path_ = pattern;
    }

    ~TempDir() {
        std::error_code ignored;
        std::filesystem::remove_all(path_, ignored);
    }

    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    [[nodiscard]] const std::filesystem::path& path() const noexcept { return path_; }

    // The path of `file` inside the directory.
    [[nodiscard]] std::string operator/(std::string_view file) const {
        return (path_ / file).string();
    }

private:
    std::filesystem::path path_;
};

}  // namespace herald::support
