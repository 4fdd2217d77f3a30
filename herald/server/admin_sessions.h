// herald/server/admin_sessions.h
//
// Who may use the dashboard and its admin API (docs/OPERATIONS.md, "Dashboard"). With an admin
// token, login() compares what the page posts with it in constant time (their SHA-256 digests,
// so not even the length leaks) and opens a session: a random id for an HttpOnly, SameSite=Strict
// cookie, and a random CSRF token the page must send back (X-Herald-CSRF) on every request that
// changes something. Without a token the listener is loopback-only and open() gives a session to
// whoever asks, so the CSRF check still guards the state-changing requests. Sessions end after
// kIdle without use, at logout, and the oldest goes when kMaxSessions are open, so a login loop
// holds bounded memory.
// Owner: the admin routes; every method is thread-safe (one mutex).
#pragma once

#include <chrono>
#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace herald::server {

inline constexpr std::string_view kAdminCookie = "herald_admin";

class AdminSessions {
public:
    using Clock = std::chrono::steady_clock;
    static constexpr std::chrono::hours kIdle{12};
    static constexpr std::size_t kMaxSessions = 256;

    struct Session {
        std::string id;
        std::string csrf;
    };

    explicit AdminSessions(std::optional<std::string> token);

    [[nodiscard]] bool token_required() const noexcept { return token_digest_.has_value(); }

    // A new session when `token` is the admin token; nothing otherwise.
    [[nodiscard]] std::optional<Session> login(std::string_view token, Clock::time_point now);
    // A new session without a token; nothing when one is required.
    [[nodiscard]] std::optional<Session> open(Clock::time_point now);
    // The session of this Cookie header field, if it is open (its idle time starts again).
    [[nodiscard]] std::optional<Session> find(std::string_view cookie_header,
                                              Clock::time_point now);
    void end(std::string_view id);

    [[nodiscard]] std::size_t size() const;

private:
    struct Entry {
        std::string csrf;
        Clock::time_point last_used;
    };

    Session add(Clock::time_point now);  // under the lock

    std::optional<std::string> token_digest_;
    mutable std::mutex mutex_;
    std::unordered_map<std::string, Entry> sessions_;
};

// The value of cookie `name` in a Cookie header field ("a=1; herald_admin=xyz"), if present.
[[nodiscard]] std::optional<std::string_view> cookie_value(std::string_view header,
                                                           std::string_view name);

}  // namespace herald::server
