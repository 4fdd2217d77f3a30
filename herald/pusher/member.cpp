#include "herald/pusher/member.h"

#include <cstdint>

#include <simdjson.h>

#include "herald/pusher/json_member.h"

namespace herald::pusher {

namespace {

namespace dom = simdjson::dom;

// Parses `text` into `parser`, nesting bounded like client messages (§11.6).
std::optional<dom::object> parse_object(dom::parser& parser, std::string_view text, bool& is_json) {
    is_json = false;
    if (text.empty()) {
        return std::nullopt;  // and simdjson is never handed a null pointer
    }
    if (parser.allocate(text.size() + 1, kMaxJsonDepth) != simdjson::SUCCESS) {
        return std::nullopt;
    }
    dom::element root;
    if (parser.parse(text.data(), text.size()).get(root) != simdjson::SUCCESS) {
        return std::nullopt;
    }
    is_json = true;
    dom::object object;
    if (root.get_object().get(object) != simdjson::SUCCESS) {
        return std::nullopt;
    }
    return object;
}

// A present, non-null user_info as compact JSON, else "{}".
std::string user_info_of(dom::object object) {
    const auto found = last_member(object, "user_info");
    dom::element info;
    if (!found || (info = *found).is_null()) {
        return "{}";
    }
    return simdjson::minify(info);
}

// §6.5.2: strings as they are, integers as decimal text; anything else is refused.
std::optional<std::string> user_id_text(dom::element id) {
    std::string_view text;
    if (id.get_string().get(text) == simdjson::SUCCESS) {
        return std::string(text);
    }
    if (std::int64_t n = 0; id.get_int64().get(n) == simdjson::SUCCESS) {
        return std::to_string(n);
    }
    if (std::uint64_t n = 0; id.get_uint64().get(n) == simdjson::SUCCESS) {
        return std::to_string(n);
    }
    return std::nullopt;
}

bool read_watchlist(dom::object object, std::size_t max_watchlist, User& user) {
    const auto found = last_member(object, "watchlist");
    dom::element element;
    if (!found || (element = *found).is_null()) {
        return true;
    }
    dom::array ids;
    if (element.get_array().get(ids) != simdjson::SUCCESS) {
        return false;
    }
    for (const dom::element id : ids) {
        std::string_view text;
        if (id.get_string().get(text) != simdjson::SUCCESS) {
            return false;
        }
        if (user.watchlist.size() < max_watchlist) {
            user.watchlist.emplace_back(text);
        } else {
            user.watchlist_truncated = true;
        }
    }
    return true;
}

}  // namespace

MemberResult parse_channel_data(std::string_view channel_data, const MemberLimits& limits) {
    dom::parser parser;
    bool is_json = false;
    const auto object = parse_object(parser, channel_data, is_json);
    if (!object) {
        return util::unexpected(is_json ? MemberFault::NotAnObject : MemberFault::NotJson);
    }
    const auto found = last_member(*object, "user_id");
    if (!found) {
        return util::unexpected(MemberFault::MissingUserId);
    }
    const dom::element id = *found;
    auto user_id = user_id_text(id);
    if (!user_id || user_id->empty()) {
        return util::unexpected(MemberFault::BadUserId);
    }
    if (user_id->size() > limits.max_user_id_length) {
        return util::unexpected(MemberFault::UserIdTooLong);
    }
    std::string user_info = user_info_of(*object);
    if (user_info.size() > limits.max_user_info_bytes) {
        return util::unexpected(MemberFault::UserInfoTooLarge);
    }
    return Member{std::move(*user_id), std::move(user_info)};
}

std::string_view describe(MemberFault fault) noexcept {
    switch (fault) {
        case MemberFault::NotJson:
            return "channel_data is not valid JSON";
        case MemberFault::NotAnObject:
            return "channel_data is not a JSON object";
        case MemberFault::MissingUserId:
            return "channel_data lacks user_id";
        case MemberFault::BadUserId:
            return "user_id must be a non-empty string or an integer";
        case MemberFault::UserIdTooLong:
            return "user_id is too long";
        case MemberFault::UserInfoTooLarge:
            return "user_info is too large";
    }
    return "Invalid channel_data";
}

UserResult parse_user_data(std::string_view user_data, std::size_t max_watchlist) {
    dom::parser parser;
    bool is_json = false;
    const auto object = parse_object(parser, user_data, is_json);
    if (!object) {
        return util::unexpected(is_json ? UserFault::NotAnObject : UserFault::NotJson);
    }
    const auto found = last_member(*object, "id");
    if (!found) {
        return util::unexpected(UserFault::MissingId);
    }
    const dom::element id = *found;
    std::string_view id_text;
    if (id.get_string().get(id_text) != simdjson::SUCCESS || id_text.empty()) {
        return util::unexpected(UserFault::BadId);
    }
    User user{std::string(id_text), user_info_of(*object), {}, false};
    if (!read_watchlist(*object, max_watchlist, user)) {
        return util::unexpected(UserFault::BadWatchlist);
    }
    return user;
}

std::string_view describe(UserFault fault) noexcept {
    switch (fault) {
        case UserFault::NotJson:
            return "user_data is not valid JSON";
        case UserFault::NotAnObject:
            return "user_data is not a JSON object";
        case UserFault::MissingId:
            return "user_data lacks id";
        case UserFault::BadId:
            return "user_data id must be a non-empty string";
        case UserFault::BadWatchlist:
            return "user_data watchlist must be an array of strings";
    }
    return "Invalid user_data";
}

}  // namespace herald::pusher
