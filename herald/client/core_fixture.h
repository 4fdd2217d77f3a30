// herald/client/core_fixture.h
//
// A test fixture for the sans-I/O Core: its hooks record what it asks of the transport and the
// application (opens, frames sent, drops, states, events, user events), the authorizers sign
// with "key"/"secret" (a shared_secret for encrypted channels when set), and the clock is the
// test's. Test code only.
// Owner: one test.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "herald/client/core.h"
#include "herald/pusher/auth.h"
#include "herald/pusher/server_message.h"
#include "herald/util/base64.h"

namespace herald::client::testing {

using std::chrono::milliseconds;
using std::chrono::seconds;

// A core over a transport that records what it is asked to do, on a clock the test moves.
class CoreTest : public ::testing::Test {
protected:
    CoreTest() : core_(timeouts(), hooks()) {}

    static Timeouts timeouts() {
        Timeouts t;
        t.activity = seconds(120);
        t.pong = seconds(30);
        t.unavailable = seconds(10);
        t.first_backoff = seconds(1);
        t.max_backoff = seconds(8);
        return t;
    }

    CoreHooks hooks() {
        CoreHooks h;
        h.open = [this] {
            ++opens_;
        };
        h.send = [this](const std::string& text) {
            sent_.push_back(text);
        };
        h.drop = [this](std::uint16_t code) {
            drops_.push_back(code);
        };
        h.state_changed = [this](State, State current) {
            states_.push_back(current);
        };
        h.event = [this](const Event& event) {
            events_.push_back(event);
        };
        h.authorize = [this](std::string_view socket_id, std::string_view channel) -> AuthResult {
            if (refuse_auth_) {
                return util::unexpected(std::string("no"));
            }
            const bool presence = channel.starts_with("presence-");
            const std::string data = R"({"user_id":"u1","user_info":{"n":1}})";
            std::string json = R"({"auth":")" +
                               pusher::channel_auth("key", "secret", socket_id, channel,
                                                    presence ? std::optional<std::string_view>(data)
                                                             : std::nullopt) +
                               "\"";
            if (presence) {
                json += R"(,"channel_data":"{\"user_id\":\"u1\",\"user_info\":{\"n\":1}}")";
            }
            if (!shared_secret_.empty()) {
                json += R"(,"shared_secret":")" + util::base64_encode(shared_secret_) + "\"";
            }
            ++authorizations_;
            return json + "}";
        };
        h.random = [] {
            return 1.0;
        };
        h.use_tls = [this] {
            return !std::exchange(tls_, true);
        };
        h.authenticate_user = [this](std::string_view socket_id) -> AuthResult {
            ++user_authentications_;
            if (refuse_auth_) {
                return util::unexpected(std::string("no"));
            }
            const std::string data = R"({"id":"u1"})";
            return R"({"auth":")" + pusher::user_auth("key", "secret", socket_id, data) +
                   R"(","user_data":"{\"id\":\"u1\"}"})";
        };
        h.user_event = [this](const Event& event, UserScope scope) {
            user_events_.emplace_back(event, scope);
        };
        return h;
    }

    void receive(const std::string& text) { core_.socket_message(text, now_); }

    void establish(std::string_view socket_id = "1.1", seconds activity = seconds(120)) {
        receive(pusher::connection_established(socket_id, activity));
    }

    void advance(milliseconds by) {
        now_ += by;
        core_.tick(now_);
    }

    Clock::time_point now_{seconds(1000)};
    Core core_;
    int opens_ = 0;
    bool refuse_auth_ = false;
    std::string shared_secret_;  // raw bytes, sent base64 as the authorization's shared_secret
    int authorizations_ = 0;
    bool tls_ = false;
    int user_authentications_ = 0;
    std::vector<std::pair<Event, UserScope>> user_events_;
    std::vector<std::string> sent_;
    std::vector<std::uint16_t> drops_;
    std::vector<State> states_;
    std::vector<Event> events_;
};

}  // namespace herald::client::testing
