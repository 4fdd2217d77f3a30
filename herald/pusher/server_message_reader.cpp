#include "herald/pusher/server_message_reader.h"

#include <simdjson.h>

#include "herald/pusher/json_member.h"
#include "herald/pusher/socket_id.h"

namespace herald::pusher {

namespace {

namespace dom = simdjson::dom;

// The root of `text` as an object, parsed into `parser` (which must outlive the result).
std::optional<dom::object> parse_object(dom::parser& parser, std::string_view text) {
    if (text.empty()) {
        return std::nullopt;  // and simdjson is never handed a null pointer
    }
    dom::element root;
    if (parser.parse(text.data(), text.size()).get(root) != simdjson::SUCCESS) {
        return std::nullopt;
    }
    dom::object object;
    if (root.get_object().get(object) != simdjson::SUCCESS) {
        return std::nullopt;
    }
    return object;
}

std::optional<std::string_view> string_member(dom::object object, std::string_view key) {
    const auto found = last_member(object, key);
    std::string_view text;
    if (!found || found->get_string().get(text) != simdjson::SUCCESS) {
        return std::nullopt;
    }
    return text;
}

// A present, non-null value as compact JSON, else "{}".
std::string info_text(const std::optional<dom::element>& info) {
    if (!info || info->is_null()) {
        return "{}";
    }
    return simdjson::minify(*info);
}

}  // namespace

util::Result<ServerMessage, MessageError> parse_server_message(std::string_view text) {
    dom::parser parser;
    auto envelope = read_envelope(parser, text);
    if (!envelope) {
        return util::unexpected(envelope.error());
    }
    const auto [object, event] = *envelope;
    ServerMessage message;
    message.event = std::string(event);
    for (const auto key : {std::string_view("channel"), std::string_view("user_id")}) {
        const auto found = last_member(object, key);
        if (!found || found->is_null()) {
            continue;
        }
        std::string_view value;
        if (found->get_string().get(value) != simdjson::SUCCESS) {
            return message_failure(MessageFault::WrongType,
                                   key == "channel" ? "channel" : "user_id");
        }
        (key == "channel" ? message.channel : message.user_id) = std::string(value);
    }
    if (const auto data = last_member(object, "data")) {
        std::string_view string;
        if (data->get_string().get(string) == simdjson::SUCCESS) {
            message.data = EventData::string(std::string(string));
        } else {
            message.data = EventData::json(simdjson::minify(*data));
        }
    }
    return message;
}

std::string_view data_text(const EventData& data) noexcept {
    return data.kind == EventData::Kind::Absent ? std::string_view() : data.text;
}

std::optional<ConnectionEstablished> read_connection_established(const EventData& data) {
    dom::parser parser;
    const auto object = parse_object(parser, data_text(data));
    if (!object) {
        return std::nullopt;
    }
    const auto socket_id = string_member(*object, "socket_id");
    if (!socket_id || !is_valid_socket_id(*socket_id)) {
        return std::nullopt;
    }
    const auto timeout = last_member(*object, "activity_timeout");
    // Read as a double, so that an integer past int64 is a number too; compared before the cast,
    // which is undefined for a value out of range.
    double real = 0;
    if (!timeout || timeout->get_double().get(real) != simdjson::SUCCESS || !(real >= 1)) {
        return std::nullopt;
    }
    const auto max = static_cast<double>(kMaxActivityTimeout.count());
    const auto seconds =
            real >= max ? kMaxActivityTimeout.count() : static_cast<std::int64_t>(real);
    return ConnectionEstablished{std::string(*socket_id), std::chrono::seconds(seconds)};
}

ServerError read_server_error(const EventData& data) {
    ServerError error;
    dom::parser parser;
    const auto object = parse_object(parser, data_text(data));
    if (!object) {
        error.message = std::string(data_text(data));
        return error;
    }
    if (const auto message = string_member(*object, "message")) {
        error.message = std::string(*message);
    }
    const auto code = last_member(*object, "code");
    if (std::int64_t value = 0;
        code && code->get_int64().get(value) == simdjson::SUCCESS && value > 0 && value < 65536) {
        error.code = static_cast<std::uint16_t>(value);
    }
    return error;
}

std::optional<std::vector<Member>> read_presence_roster(const EventData& data) {
    dom::parser parser;
    const auto object = parse_object(parser, data_text(data));
    if (!object) {
        return std::nullopt;
    }
    const auto presence = last_member(*object, "presence");
    dom::object presence_object;
    if (!presence || presence->get_object().get(presence_object) != simdjson::SUCCESS) {
        return std::nullopt;
    }
    std::vector<Member> members;
    const auto hash = last_member(presence_object, "hash");
    dom::object hash_object;
    if (!hash || hash->get_object().get(hash_object) != simdjson::SUCCESS) {
        return members;  // an empty roster
    }
    for (const auto field : hash_object) {
        members.push_back(Member{std::string(field.key), info_text(field.value)});
    }
    return members;
}

std::optional<Member> read_member(const EventData& data) {
    const MemberLimits unlimited{.max_user_id_length = data.text.size(),
                                 .max_user_info_bytes = data.text.size()};
    auto member = parse_channel_data(data_text(data), unlimited);
    if (!member) {
        return std::nullopt;
    }
    return std::move(*member);
}

std::optional<Authorization> read_authorization(std::string_view json) {
    dom::parser parser;
    const auto object = parse_object(parser, json);
    if (!object) {
        return std::nullopt;
    }
    const auto auth = string_member(*object, "auth");
    if (!auth) {
        return std::nullopt;
    }
    Authorization result{std::string(*auth), std::nullopt, std::nullopt};
    if (const auto channel_data = string_member(*object, "channel_data")) {
        result.channel_data = std::string(*channel_data);
    }
    if (const auto shared_secret = string_member(*object, "shared_secret")) {
        result.shared_secret = std::string(*shared_secret);
    }
    return result;
}

std::optional<UserAuthentication> read_user_authentication(std::string_view json) {
    dom::parser parser;
    const auto object = parse_object(parser, json);
    if (!object) {
        return std::nullopt;
    }
    const auto auth = string_member(*object, "auth");
    const auto user_data = string_member(*object, "user_data");
    if (!auth || !user_data) {
        return std::nullopt;
    }
    return UserAuthentication{std::string(*auth), std::string(*user_data)};
}

std::optional<std::string> read_signin_success(const EventData& data) {
    dom::parser parser;
    const auto object = parse_object(parser, data_text(data));
    if (!object) {
        return std::nullopt;
    }
    const auto user_data = string_member(*object, "user_data");
    return user_data ? std::optional<std::string>(*user_data) : std::nullopt;
}

std::optional<std::string> read_user_id(std::string_view user_data) {
    dom::parser parser;
    const auto object = parse_object(parser, user_data);
    if (!object) {
        return std::nullopt;
    }
    const auto id = string_member(*object, "id");
    if (!id || id->empty()) {
        return std::nullopt;
    }
    return std::string(*id);
}

std::vector<WatchlistNotice> read_watchlist_events(const EventData& data) {
    std::vector<WatchlistNotice> notices;
    dom::parser parser;
    const auto object = parse_object(parser, data_text(data));
    if (!object) {
        return notices;
    }
    const auto events = last_member(*object, "events");
    dom::array list;
    if (!events || events->get_array().get(list) != simdjson::SUCCESS) {
        return notices;
    }
    for (const auto element : list) {
        dom::object notice;
        if (element.get_object().get(notice) != simdjson::SUCCESS) {
            continue;
        }
        if (const auto name = string_member(notice, "name")) {
            notices.push_back(WatchlistNotice{std::string(*name), simdjson::minify(element)});
        }
    }
    return notices;
}

}  // namespace herald::pusher
