// herald/web/tls_files.h
//
// A test helper: a throwaway self-signed certificate for 127.0.0.1 (made with the openssl
// command in a temporary directory, removed with the object). Test code only.
// Owner: the test that makes it.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <string>

#include <unistd.h>

namespace herald::web::testing {

class TlsFiles {
public:
    TlsFiles() {
        dir_ = std::filesystem::temp_directory_path() /
               ("herald-tls-" + std::to_string(::getpid()) + "-" + std::to_string(counter_++));
        std::filesystem::create_directories(dir_);
        const std::string command =
                "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes "
                "-days 1 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 -keyout " +
                key().string() + " -out " + cert().string() + " >/dev/null 2>&1";
        ok_ = std::system(command.c_str()) == 0;
    }

    ~TlsFiles() { std::filesystem::remove_all(dir_); }

    TlsFiles(const TlsFiles&) = delete;
    TlsFiles& operator=(const TlsFiles&) = delete;

    // False when the openssl command could not make the certificate (the test then skips).
    [[nodiscard]] bool ok() const noexcept { return ok_; }

    [[nodiscard]] std::filesystem::path cert() const { return dir_ / "cert.pem"; }

    [[nodiscard]] std::filesystem::path key() const { return dir_ / "key.pem"; }

private:
    static inline int counter_ = 0;
    std::filesystem::path dir_;
    bool ok_ = false;
};

}  // namespace herald::web::testing
