// tests/support/redis_sentinel.h
//
// A real Redis Sentinel for tests (redis-server --sentinel) that names one master: it monitors
// `master_name` at a port of 127.0.0.1 given by the test (where a master, a replica or nothing
// listens) and answers SENTINEL get-master-addr-by-name with it. Nothing is failed over during
// a test: the master counts as down only after a minute. Its configuration file, which Sentinel
// rewrites as it learns, is in a temporary directory of its own.
// Owner: the test thread.
#pragma once

#include <cstdint>
#include <fstream>
#include <string>

#include "tests/support/redis_server.h"
#include "tests/support/temp_dir.h"

namespace herald::support {

class RedisSentinel {
public:
    RedisSentinel(const std::string& master_name, std::uint16_t master_port)
        : dir_("sentinel"), server_({write_config(dir_, master_name, master_port), "--sentinel"}) {}

    [[nodiscard]] bool running() const noexcept { return server_.running(); }

    [[nodiscard]] std::uint16_t port() const noexcept { return server_.port(); }

private:
    static std::string write_config(const TempDir& dir, const std::string& name,
                                    std::uint16_t port) {
        const auto file = dir / "sentinel.conf";
        std::ofstream out(file);
        out << "dir " << dir.path().string() << "\n"
            << "sentinel monitor " << name << " 127.0.0.1 " << port << " 1\n"
            << "sentinel down-after-milliseconds " << name << " 60000\n";
        return file;
    }

    TempDir dir_;
    RedisServer server_;
};

}  // namespace herald::support
