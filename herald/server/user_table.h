// herald/server/user_table.h
//
// Signed-in users (§4.11): which connections are signed in as each user id, and who watches whom
// (§4.13). Answers "is this the user's first/last connection" and "whom to tell" in one locked
// step, so online/offline events fire exactly once per transition.
// Owner: the hub; every method is thread-safe.
#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace herald::server {

class Connection;

struct ConnectionRef {
    std::size_t worker = 0;
    std::weak_ptr<Connection> connection;
    const void* id = nullptr;  // the Connection's address, for removal
};

struct UserSignInOutcome {
    bool first = false;                   // the user just came online
    std::vector<ConnectionRef> watchers;  // to tell when it came online
    std::vector<std::string> online;      // of the new connection's watchlist, who is online now
    std::vector<std::string> offline;     // ... and who is not
};

struct UserSignOutOutcome {
    bool last = false;                    // the user just went offline
    std::vector<ConnectionRef> watchers;  // to tell
};

class UserTable {
public:
    explicit UserTable(std::size_t apps) : apps_(apps) {}

    UserSignInOutcome sign_in(std::size_t app, const std::string& user, const ConnectionRef& ref,
                              const std::vector<std::string>& watchlist);
    UserSignOutOutcome sign_out(std::size_t app, const std::string& user, const void* id,
                                const std::vector<std::string>& watchlist);

    [[nodiscard]] std::vector<ConnectionRef> connections(std::size_t app, std::string_view user);
    // The connections watching `user`.
    [[nodiscard]] std::vector<ConnectionRef> watchers(std::size_t app, std::string_view user);
    // The users with at least one connection signed in.
    [[nodiscard]] std::vector<std::string> signed_in(std::size_t app);

private:
    struct AppUsers {
        std::unordered_map<std::string, std::vector<ConnectionRef>> connections;
        std::unordered_map<std::string, std::vector<ConnectionRef>> watchers;  // by watched id
    };

    std::mutex mutex_;
    std::vector<AppUsers> apps_;
};

}  // namespace herald::server
