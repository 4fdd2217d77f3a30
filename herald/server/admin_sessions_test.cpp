#include "herald/server/admin_sessions.h"

#include <gtest/gtest.h>

namespace herald::server {
namespace {

using Clock = AdminSessions::Clock;

std::string cookie(const AdminSessions::Session& session) {
    return "theme=dark; " + std::string(kAdminCookie) + "=" + session.id;
}

TEST(AdminSessions, OnlyTheTokenLogsIn) {
    AdminSessions sessions(std::string("a-long-admin-token"));
    const auto now = Clock::now();
    EXPECT_TRUE(sessions.token_required());
    EXPECT_FALSE(sessions.login("wrong", now));
    EXPECT_FALSE(sessions.login("a-long-admin-token ", now));
    EXPECT_FALSE(sessions.login("", now));
    EXPECT_FALSE(sessions.open(now));  // a token is required
    const auto session = sessions.login("a-long-admin-token", now);
    ASSERT_TRUE(session);
    EXPECT_EQ(session->id.size(), 64U);
    EXPECT_EQ(session->csrf.size(), 64U);
    EXPECT_NE(session->id, session->csrf);
    const auto found = sessions.find(cookie(*session), now);
    ASSERT_TRUE(found);
    EXPECT_EQ(found->csrf, session->csrf);
    EXPECT_FALSE(sessions.find("herald_admin=" + session->csrf, now));
    EXPECT_FALSE(sessions.find("", now));
}

TEST(AdminSessions, WithoutATokenAnyoneGetsASession) {
    AdminSessions sessions(std::nullopt);
    const auto now = Clock::now();
    EXPECT_FALSE(sessions.token_required());
    EXPECT_FALSE(sessions.login("anything", now));
    const auto session = sessions.open(now);
    ASSERT_TRUE(session);
    EXPECT_TRUE(sessions.find(cookie(*session), now));
}

TEST(AdminSessions, SessionsEndAtLogoutAndWhenIdle) {
    AdminSessions sessions(std::nullopt);
    const auto now = Clock::now();
    const auto a = *sessions.open(now);
    const auto b = *sessions.open(now);
    sessions.end(a.id);
    EXPECT_FALSE(sessions.find(cookie(a), now));
    EXPECT_TRUE(sessions.find(cookie(b), now + AdminSessions::kIdle / 2));
    // Used half-way: idle from then on.
    EXPECT_TRUE(sessions.find(cookie(b), now + AdminSessions::kIdle));
    EXPECT_FALSE(sessions.find(cookie(b), now + AdminSessions::kIdle * 2));
    EXPECT_EQ(sessions.size(), 0U);
}

TEST(AdminSessions, TheOldestSessionGoesWhenTheTableIsFull) {
    AdminSessions sessions(std::nullopt);
    const auto start = Clock::now();
    const auto first = *sessions.open(start);
    for (std::size_t i = 1; i <= AdminSessions::kMaxSessions; ++i) {
        (void)sessions.open(start + std::chrono::seconds(i));
    }
    EXPECT_EQ(sessions.size(), AdminSessions::kMaxSessions);
    EXPECT_FALSE(sessions.find(cookie(first), start + std::chrono::hours(1)));
}

TEST(CookieValue, FindsOneCookieAmongOthers) {
    EXPECT_EQ(cookie_value("a=1; herald_admin=xyz; b=2", "herald_admin"), "xyz");
    EXPECT_EQ(cookie_value("herald_admin=xyz", "herald_admin"), "xyz");
    EXPECT_FALSE(cookie_value("xherald_admin=xyz", "herald_admin"));
    EXPECT_FALSE(cookie_value("", "herald_admin"));
    EXPECT_EQ(cookie_value("herald_admin=", "herald_admin"), "");
}

}  // namespace
}  // namespace herald::server
