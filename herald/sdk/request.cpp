#include "herald/sdk/request.h"

#include <algorithm>

#include "herald/pusher/channel.h"
#include "herald/pusher/limits.h"
#include "herald/pusher/socket_id.h"
#include "herald/sdk/errors.h"
#include "herald/util/json_writer.h"
#include "herald/util/parse.h"

namespace herald::sdk {

namespace {

// RFC 3986 pchar: unreserved, sub-delims, ':' and '@'.
bool is_pchar(char c) noexcept {
    constexpr std::string_view kOther = "-._~!$&'()*+,;=:@";
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           kOther.find(c) != std::string_view::npos;
}

// Quotes a caller's value for an error message, cut short and with control bytes shown as '?'.
std::string quoted(std::string_view value) {
    constexpr std::size_t kMax = 80;
    std::string out = "'";
    for (const char c : value.substr(0, kMax)) {
        out.push_back(static_cast<unsigned char>(c) < 0x20 ? '?' : c);
    }
    return out.append(value.size() > kMax ? "...'" : "'");
}

void optional_member(util::JsonWriter& out, std::string_view key,
                     const std::optional<std::string>& value) {
    if (value) {
        out.key(key).string(*value);
    }
}

}  // namespace

std::string Data::encode() const {
    if (const auto* text = std::get_if<std::string>(&value_)) {
        return *text;
    }
    return std::get<Json>(value_).dump();
}

SignedRequest sign_request(std::string_view key, std::string_view secret, std::string_view method,
                           std::string path, const QueryParams& params, std::string body,
                           std::int64_t timestamp) {
    // §8.2 step 8: the server verifies against the percent-decoded path, so that is what is signed.
    const std::string signed_path = util::percent_decode(path);
    SignedRequest request;
    request.method = std::string(method);
    request.query = pusher::signed_query(key, secret, method, signed_path, params, body, timestamp);
    request.path = std::move(path);
    request.body = std::move(body);
    return request;
}

std::string encode_path_segment(std::string_view segment) {
    return pusher::percent_encode(segment, is_pchar);
}

void check_socket_id(std::string_view socket_id) {
    if (!pusher::is_valid_socket_id(socket_id)) {
        throw Error("invalid socket id " + quoted(socket_id) +
                    ": expected digits, a dot, digits (like 1234.5678)");
    }
}

void check_channel_name(std::string_view channel) {
    const auto error = pusher::check_channel_name(channel, pusher::kLenientMaxChannelNameLength);
    if (error) {
        throw Error("invalid channel name " + quoted(channel) + ": " +
                    std::string(pusher::describe(*error)));
    }
}

void check_event_name(std::string_view event) {
    if (event.empty()) {
        throw Error("the event name is empty");
    }
    if (event.size() > pusher::kMaxEventNameLength) {
        throw Error("event name " + quoted(event) + " is longer than 200 characters");
    }
}

void check_user_id(std::string_view user_id) {
    if (user_id.empty()) {
        throw Error("the user id is empty");
    }
}

void check_data_size(std::string_view data, std::size_t max_bytes) {
    if (max_bytes != 0 && data.size() > max_bytes) {
        throw Error("event data is " + std::to_string(data.size()) + " bytes, more than the " +
                    std::to_string(max_bytes) + " allowed (Options::max_event_data_bytes)");
    }
}

void check_trigger_channels(const std::vector<std::string>& channels) {
    if (channels.empty()) {
        throw Error("trigger needs at least one channel");
    }
    if (channels.size() > pusher::kMaxChannelsPerTrigger) {
        throw Error("cannot trigger on " + std::to_string(channels.size()) +
                    " channels at once: the limit is 100");
    }
    std::for_each(channels.begin(), channels.end(), check_channel_name);
}

std::string trigger_body(const std::vector<std::string>& channels, std::string_view event,
                         std::string_view data, const TriggerParams& params) {
    util::JsonWriter out;
    out.begin_object().key("name").string(event).key("data").string(data);
    out.key("channels").begin_array();
    for (const std::string& channel : channels) {
        out.string(channel);
    }
    out.end_array();
    optional_member(out, "socket_id", params.socket_id);
    optional_member(out, "info", params.info);
    return out.end_object().take();
}

std::string batch_body(const std::vector<EncodedBatchEvent>& events) {
    util::JsonWriter out;
    out.begin_object().key("batch").begin_array();
    for (const EncodedBatchEvent& e : events) {
        out.begin_object().key("channel").string(e.channel).key("name").string(e.name);
        out.key("data").string(e.data);
        optional_member(out, "socket_id", e.socket_id);
        optional_member(out, "info", e.info);
        out.end_object();
    }
    return out.end_array().end_object().take();
}

}  // namespace herald::sdk
