#include "herald/server/admin_sessions.h"

#include <array>
#include <cstddef>

#include "herald/util/ascii.h"
#include "herald/util/digest.h"
#include "herald/util/random.h"

namespace herald::server {

namespace {

// 32 random bytes as hex: unguessable session ids and CSRF tokens.
std::string random_token() {
    std::array<std::byte, 32> bytes{};
    util::random_bytes(bytes);
    return util::to_hex(
            std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

}  // namespace

std::optional<std::string_view> cookie_value(std::string_view header, std::string_view name) {
    while (!header.empty()) {
        const auto semicolon = header.find(';');
        const auto pair = util::trim(header.substr(0, semicolon));
        const auto equals = pair.find('=');
        if (equals != std::string_view::npos && pair.substr(0, equals) == name) {
            return pair.substr(equals + 1);
        }
        if (semicolon == std::string_view::npos) {
            break;
        }
        header.remove_prefix(semicolon + 1);
    }
    return std::nullopt;
}

AdminSessions::AdminSessions(std::optional<std::string> token) {
    if (token) {
        token_digest_ = util::sha256(*token);
    }
}

AdminSessions::Session AdminSessions::add(Clock::time_point now) {
    if (sessions_.size() >= kMaxSessions) {
        const std::string* oldest = nullptr;
        Clock::time_point oldest_use = Clock::time_point::max();
        for (const auto& [id, entry] : sessions_) {
            if (entry.last_used < oldest_use) {
                oldest = &id;
                oldest_use = entry.last_used;
            }
        }
        if (oldest != nullptr) {
            sessions_.erase(std::string(*oldest));  // by key: a copy, as the node goes
        }
    }
    Session session{random_token(), random_token()};
    sessions_.emplace(session.id, Entry{session.csrf, now});
    return session;
}

std::optional<AdminSessions::Session> AdminSessions::login(std::string_view token,
                                                           Clock::time_point now) {
    if (!token_digest_ || !util::constant_time_equals(util::sha256(token), *token_digest_)) {
        return std::nullopt;
    }
    std::lock_guard lock(mutex_);
    return add(now);
}

std::optional<AdminSessions::Session> AdminSessions::open(Clock::time_point now) {
    if (token_digest_) {
        return std::nullopt;
    }
    std::lock_guard lock(mutex_);
    return add(now);
}

std::optional<AdminSessions::Session> AdminSessions::find(std::string_view cookie_header,
                                                          Clock::time_point now) {
    const auto id = cookie_value(cookie_header, kAdminCookie);
    if (!id) {
        return std::nullopt;
    }
    std::lock_guard lock(mutex_);
    const auto it = sessions_.find(std::string(*id));
    if (it == sessions_.end()) {
        return std::nullopt;
    }
    if (now - it->second.last_used >= kIdle) {
        sessions_.erase(it);
        return std::nullopt;
    }
    it->second.last_used = now;
    return Session{it->first, it->second.csrf};
}

void AdminSessions::end(std::string_view id) {
    std::lock_guard lock(mutex_);
    sessions_.erase(std::string(id));
}

std::size_t AdminSessions::size() const {
    std::lock_guard lock(mutex_);
    return sessions_.size();
}

}  // namespace herald::server
