// herald/client/core_user.cpp
//
// The user half of the Core (core.h; protocol.md §4.11-§4.13, §10.7), as pusher-js's UserFacade
// does it: signin() asks the user authenticator for {auth, user_data} once connected and sends
// pusher:signin; pusher:signin_success subscribes #server-to-user-<id>, whose events go to the
// user's bindings (the pusher:* ones are the client's own); pusher_internal:watchlist_events
// become online / offline events of the watchlist. Every new connection signs in again.
#include <utility>

#include "herald/client/core.h"
#include "herald/pusher/channel.h"
#include "herald/util/json_writer.h"

namespace herald::client {

void Core::signin() {
    if (signin_requested_) {
        return;
    }
    signin_requested_ = true;
    if (established_) {
        start_signin();
    }
}

void Core::start_signin() {
    if (signin_waiting_ || !user_id_.empty()) {
        return;
    }
    signin_waiting_ = true;
    if (hooks_.authenticate_user) {
        const std::string socket_id = socket_id_;
        const AuthResult result = hooks_.authenticate_user(socket_id);
        if (established_ && socket_id == socket_id_) {
            send_signin(result, 0);
        }
    } else if (hooks_.authenticate_user_async) {
        hooks_.authenticate_user_async(socket_id_);
    } else {
        send_signin(util::unexpected(std::string("no user authenticator in the client's options")),
                    0);
    }
}

void Core::user_authenticated(std::string_view socket_id, const AuthResult& result,
                              int http_status) {
    if (!established_ || socket_id != socket_id_ || !signin_waiting_) {
        return;  // asked for an earlier connection
    }
    send_signin(result, http_status);
}

void Core::send_signin(const AuthResult& result, int http_status) {
    if (!result) {
        signin_error(result.error(), http_status);
        return;
    }
    auto authentication = pusher::read_user_authentication(*result);
    if (!authentication) {
        signin_error("the user authenticator's answer is not {\"auth\", \"user_data\"} JSON",
                     http_status);
        return;
    }
    hooks_.send(pusher::serialize(
            pusher::Signin{std::move(authentication->auth), std::move(authentication->user_data)}));
}

// pusher-js emits pusher:signin_error only for a failed authenticator and merely logs a
// signin_success without a usable id; both are reported here, so that the application knows.
void Core::signin_error(std::string_view error, int http_status) {
    signin_waiting_ = false;
    util::JsonWriter w;
    w.begin_object().key("type").string("AuthError").key("error").string(error);
    if (http_status != 0) {
        w.key("status").number(http_status);
    }
    w.end_object();
    emit_user(std::string(pusher::events::kSigninError), "", w.take(), UserScope::User);
}

bool Core::user_message(pusher::ServerMessage& message) {
    if (message.event == pusher::events::kSigninSuccess) {
        signed_in(message.data);
        return true;
    }
    if (message.event == pusher::events::kInternalWatchlistEvents) {
        for (auto& notice : pusher::read_watchlist_events(message.data)) {
            emit_user(std::move(notice.name), "", std::move(notice.json), UserScope::Watchlist);
        }
        return true;
    }
    if (user_channel_.empty() || message.channel != user_channel_) {
        return false;
    }
    if (!message.event.starts_with("pusher:") && !message.event.starts_with("pusher_internal:")) {
        emit_user(std::move(message.event), user_channel_,
                  std::string(pusher::data_text(message.data)), UserScope::User);
    }
    return true;
}

void Core::signed_in(const pusher::EventData& data) {
    if (!signin_waiting_) {
        return;  // not asked for on this connection
    }
    const auto user_data = pusher::read_signin_success(data);
    const auto id = user_data ? pusher::read_user_id(*user_data) : std::nullopt;
    if (!id) {
        signin_error("pusher:signin_success without a user_data whose id is a non-empty string");
        return;
    }
    signin_waiting_ = false;
    user_id_ = *id;
    user_channel_ = std::string(pusher::kServerToUserPrefix) + user_id_;
    hooks_.send(pusher::serialize(pusher::Subscribe{user_channel_, "", std::nullopt}));
    emit_user(std::string(pusher::events::kSigninSuccess), "", *user_data, UserScope::User);
}

void Core::signed_out() {
    signin_waiting_ = false;
    user_id_.clear();
    user_channel_.clear();
}

void Core::emit_user(std::string event, std::string channel, std::string data, UserScope scope) {
    if (hooks_.user_event) {
        hooks_.user_event(
                Event{std::move(event), std::move(channel), std::move(data), std::nullopt}, scope);
    }
}

}  // namespace herald::client
