// herald/cli/temp_file.h
//
// A file with given content in the temporary directory, removed when it goes out of scope: the
// configuration files of the cli tests. Each has a name of its own (process id and a counter),
// so tests may run side by side.
// Owner: one test.
#pragma once

#include <atomic>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include <unistd.h>

namespace herald::cli {

class TempFile {
public:
    TempFile(std::string_view content, std::string_view extension) {
        static std::atomic<int> counter{0};
        path_ = (std::filesystem::temp_directory_path() /
                 ("herald_cli_test_" + std::to_string(::getpid()) + "_" +
                  std::to_string(counter++) + std::string(extension)))
                        .string();
        std::ofstream(path_) << content;
    }

    ~TempFile() { std::filesystem::remove(path_); }

    TempFile(const TempFile&) = delete;
    TempFile& operator=(const TempFile&) = delete;

    [[nodiscard]] const std::string& path() const { return path_; }

private:
    std::string path_;
};

}  // namespace herald::cli
