#include "herald/server/rest_body.h"

#include <algorithm>
#include <cstddef>
#include <span>

#include <simdjson.h>

#include "herald/pusher/channel.h"
#include "herald/pusher/json_member.h"
#include "herald/pusher/limits.h"
#include "herald/pusher/socket_id.h"

namespace herald::server {

namespace {

namespace dom = simdjson::dom;

constexpr std::size_t kQuotedBytes = 64;

RestError bad(std::string message) {
    return RestError{400, std::move(message)};
}

std::string number(std::size_t n) {
    return std::to_string(n);
}

// What a thread's parser keeps between requests: room for any ordinary body.
constexpr std::size_t kParserCapacity = 64 * 1024;

// Parses `body` with this thread's parser (handle() runs on many workers at once); the
// elements stay valid until the thread parses again.
util::Result<dom::object, RestError> parse_object(std::string_view body) {
    thread_local dom::parser parser;
    if (body.empty()) {
        return util::unexpected(bad("Missing request body: expected a JSON object"));
    }
    // The parser's buffers grow to the largest body seen and are reused: allocate() with another
    // capacity would reallocate all of them for every body of a new size. A thread that parsed a
    // large body gives the memory back before its next ordinary one.
    const std::size_t needed = std::max(body.size() + 1, kParserCapacity);
    const bool oversized = parser.capacity() > kParserCapacity && needed == kParserCapacity;
    if (parser.capacity() < needed || parser.max_depth() != pusher::kMaxJsonDepth || oversized) {
        if (parser.allocate(needed, pusher::kMaxJsonDepth) != simdjson::SUCCESS) {
            return util::unexpected(RestError{413, "Request body is too large to parse"});
        }
    }
    dom::element root;
    if (const auto code = parser.parse(body.data(), body.size()).get(root);
        code != simdjson::SUCCESS) {
        return util::unexpected(bad(std::string("Request body is not valid JSON: ") +
                                    simdjson::error_message(code)));
    }
    dom::object object;
    if (root.get_object().get(object) != simdjson::SUCCESS) {
        return util::unexpected(bad("Request body must be a JSON object"));
    }
    return object;
}

// A member that is present and not null.
std::optional<dom::element> member(dom::object object, std::string_view key) {
    auto element = pusher::last_member(object, key);
    if (element && element->is_null()) {
        return std::nullopt;
    }
    return element;
}

// A string member: nullopt when absent, an error when present but not a string.
util::Result<std::optional<std::string_view>, RestError> string_member(dom::object object,
                                                                       std::string_view key,
                                                                       const std::string& where) {
    const auto element = member(object, key);
    if (!element) {
        return std::optional<std::string_view>();
    }
    std::string_view text;
    if (element->get_string().get(text) != simdjson::SUCCESS) {
        return util::unexpected(bad(where + std::string(key) + " must be a string"));
    }
    return std::optional<std::string_view>(text);
}

// §6.9: required, within the length limit, not a server-only prefix.
std::optional<RestError> read_name(dom::object object, const AppLimits& limits,
                                   const std::string& where, Trigger& out) {
    const auto member_name = string_member(object, "name", where);
    if (!member_name) {
        return member_name.error();
    }
    const auto& name = *member_name;
    if (!name || name->empty()) {
        return bad(where + "Missing event name (name)");
    }
    if (name->starts_with("pusher:") || name->starts_with("pusher_internal:")) {
        return bad(where + "Event name " + quote_for_message(*name) +
                   " uses a reserved prefix (pusher: and pusher_internal: are the server's)");
    }
    if (name->size() > limits.max_event_name_length) {
        return bad(where + "Event name is " + number(name->size()) +
                   " bytes, longer than the limit of " + number(limits.max_event_name_length));
    }
    out.name = std::string(*name);
    return std::nullopt;
}

// §8.4: a string, or (leniently) any other JSON value in compact form; too long is 413.
std::optional<RestError> read_data(dom::object object, const AppLimits& limits,
                                   const std::string& where, Trigger& out) {
    const auto element = member(object, "data");
    if (!element) {
        return bad(where + "Missing event data (data)");
    }
    std::string_view text;
    if (element->get_string().get(text) == simdjson::SUCCESS) {
        out.data = std::string(text);
    } else {
        out.data = simdjson::minify(*element);
    }
    if (out.data.size() > limits.max_event_data_bytes) {
        return RestError{413, where + "Payload Too Large: data is " + number(out.data.size()) +
                                      " bytes, the limit is " +
                                      number(limits.max_event_data_bytes)};
    }
    return std::nullopt;
}

std::optional<RestError> check_channel(std::string_view name, const AppLimits& limits,
                                       const std::string& where) {
    if (const auto error = pusher::check_channel_name(name, limits.max_channel_name_length)) {
        return bad(where + "Invalid channel name " + quote_for_message(name) + ": " +
                   std::string(pusher::describe(*error)));
    }
    return std::nullopt;
}

// §8.4: duplicates dropped; §6.6: an encrypted channel only alone.
std::optional<RestError> add_channels(std::span<const std::string_view> names,
                                      const AppLimits& limits, const std::string& where,
                                      Trigger& out) {
    for (const auto name : names) {
        if (auto error = check_channel(name, limits, where)) {
            return error;
        }
        if (std::find(out.channels.begin(), out.channels.end(), name) == out.channels.end()) {
            out.channels.emplace_back(name);
        }
    }
    const bool encrypted = std::any_of(
            out.channels.begin(), out.channels.end(),
            [](const std::string& c) { return pusher::is_encrypted(pusher::classify_channel(c)); });
    if (encrypted && out.channels.size() > 1) {
        return bad(where +
                   "An event for a private-encrypted- channel must be triggered on that "
                   "channel alone");
    }
    return std::nullopt;
}

std::optional<RestError> read_channel_array(dom::element element, const AppLimits& limits,
                                            const std::string& where, Trigger& out) {
    dom::array array;
    if (element.get_array().get(array) != simdjson::SUCCESS) {
        return bad(where + "channels must be an array of channel names");
    }
    if (array.size() == 0) {
        return bad(where + "channels must name at least one channel");
    }
    if (array.size() > limits.max_channels_per_trigger) {
        return bad(where + "Too many channels: " + number(array.size()) + ", the limit is " +
                   number(limits.max_channels_per_trigger));
    }
    // The names point into the thread's parser; the list is the thread's too, reused.
    thread_local std::vector<std::string_view> names;
    names.clear();
    for (const dom::element item : array) {
        std::string_view name;
        if (item.get_string().get(name) != simdjson::SUCCESS) {
            return bad(where + "channels[" + number(names.size()) + "] must be a string");
        }
        names.push_back(name);
    }
    return add_channels(names, limits, where, out);
}

// §8.4: `channel` (a string; PHP sends it for one channel) or `channels` (an array).
std::optional<RestError> read_channels(dom::object object, const AppLimits& limits,
                                       const std::string& where, Trigger& out) {
    const auto many = member(object, "channels");
    const auto channel = string_member(object, "channel", where);
    if (!channel) {
        return channel.error();
    }
    const auto& one = *channel;
    if (one && many) {
        return bad(where + "Give either channel or channels, not both");
    }
    if (many) {
        return read_channel_array(*many, limits, where, out);
    }
    if (!one) {
        return bad(where + "Missing channel or channels");
    }
    return add_channels(std::span(&*one, 1), limits, where, out);
}

// The optional socket_id (§2.5 format) and info list.
std::optional<RestError> read_options(dom::object object, const std::string& where, Trigger& out) {
    const auto socket_id = string_member(object, "socket_id", where);
    if (!socket_id) {
        return socket_id.error();
    }
    if (const auto& id = *socket_id) {
        if (!pusher::is_valid_socket_id(*id)) {
            return bad(where + "Invalid socket_id " + quote_for_message(*id) +
                       ": expected digits, a dot and digits (like 123.456)");
        }
        out.socket_id = std::string(*id);
    }
    const auto info = string_member(object, "info", where);
    if (!info) {
        return info.error();
    }
    if (*info) {
        out.info = parse_info(**info);
    }
    return std::nullopt;
}

std::optional<RestError> read_event(dom::object object, const AppLimits& limits,
                                    const std::string& where, Trigger& out) {
    if (auto error = read_name(object, limits, where, out)) {
        return error;
    }
    if (auto error = read_data(object, limits, where, out)) {
        return error;
    }
    return read_options(object, where, out);
}

// §8.5: one event for one channel; a `channels` array is refused as the SDKs do.
std::optional<RestError> read_batch_item(dom::element element, const AppLimits& limits,
                                         const std::string& where, Trigger& out) {
    dom::object object;
    if (element.get_object().get(object) != simdjson::SUCCESS) {
        return bad(where + "each batch event must be a JSON object");
    }
    if (auto error = read_event(object, limits, where, out)) {
        return error;
    }
    if (member(object, "channels")) {
        return bad(where + "a batch event names one channel (channel), not channels");
    }
    const auto channel = string_member(object, "channel", where);
    if (!channel) {
        return channel.error();
    }
    if (!*channel) {
        return bad(where + "Missing channel");
    }
    return add_channels(std::span(&**channel, 1), limits, where, out);
}

util::unexpected<RestError> refused(RestError error) {
    return util::unexpected(std::move(error));
}

}  // namespace

InfoRequest parse_info(std::string_view list) {
    InfoRequest info;
    while (!list.empty()) {
        const auto comma = list.find(',');
        auto item = list.substr(0, comma);
        list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
        while (!item.empty() && item.front() == ' ') {
            item.remove_prefix(1);
        }
        while (!item.empty() && item.back() == ' ') {
            item.remove_suffix(1);
        }
        info.user_count = info.user_count || item == "user_count";
        info.subscription_count = info.subscription_count || item == "subscription_count";
        info.cache = info.cache || item == "cache";
    }
    return info;
}

ParsedTriggers parse_trigger_body(std::string_view body, const AppLimits& limits) {
    const auto parsed = parse_object(body);
    if (!parsed) {
        return refused(parsed.error());
    }
    const dom::object object = *parsed;
    Trigger trigger;
    const std::string where;
    auto error = read_event(object, limits, where, trigger);
    if (!error) {
        error = read_channels(object, limits, where, trigger);
    }
    if (error) {
        return refused(std::move(*error));
    }
    std::vector<Trigger> triggers;
    triggers.push_back(std::move(trigger));
    return triggers;
}

ParsedTriggers parse_batch_body(std::string_view body, const AppLimits& limits) {
    const auto parsed = parse_object(body);
    if (!parsed) {
        return refused(parsed.error());
    }
    const dom::object object = *parsed;
    dom::array batch;
    const auto element = member(object, "batch");
    if (!element) {
        return refused(bad("Missing batch: expected an array of events"));
    }
    if (element->get_array().get(batch) != simdjson::SUCCESS) {
        return refused(bad("batch must be an array of events"));
    }
    if (batch.size() == 0) {
        return refused(bad("batch must contain at least one event"));
    }
    if (batch.size() > limits.max_batch_events) {
        return refused(bad("Too many events in batch: " + number(batch.size()) + ", the limit is " +
                           number(limits.max_batch_events)));
    }
    std::vector<Trigger> triggers;
    for (const dom::element item : batch) {
        const auto where = "batch[" + number(triggers.size()) + "]: ";
        Trigger trigger;
        if (auto error = read_batch_item(item, limits, where, trigger)) {
            return refused(std::move(*error));
        }
        triggers.push_back(std::move(trigger));
    }
    return triggers;
}

std::optional<RestError> check_path_channel(std::string_view name, const AppLimits& limits) {
    return check_channel(name, limits, "");
}

std::optional<RestError> check_empty_object_body(std::string_view body) {
    if (body.empty()) {
        return std::nullopt;
    }
    const auto parsed = parse_object(body);
    if (!parsed) {
        return parsed.error();
    }
    return std::nullopt;
}

std::string quote_for_message(std::string_view text) {
    if (text.size() <= kQuotedBytes) {
        return "'" + std::string(text) + "'";
    }
    return "'" + std::string(text.substr(0, kQuotedBytes)) + "...'";
}

}  // namespace herald::server
