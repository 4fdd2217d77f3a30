// herald/sdk/request.h
//
// The REST requests as data (protocol.md §8): argument checks with the official SDKs' rules
// (§7.7, §13.2), the JSON bodies of trigger and batch trigger written in the Node SDK's member
// order, and the signed request line (§8.2). Pure functions: no I/O, no clock, no randomness.
// Owner: none (pure functions).
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "herald/pusher/rest_signature.h"
#include "herald/sdk/json.h"

namespace herald::sdk {

using QueryParams = pusher::QueryParams;

// Event data: a string is sent as it is; any other JSON value is encoded once, compactly (as the
// official SDKs do). The receiving pusher-js parses JSON text back into a value.
class Data {
public:
    Data(std::string text) : value_(std::move(text)) {}  // NOLINT(google-explicit-constructor)

    Data(std::string_view text) : value_(std::string(text)) {}  // NOLINT

    Data(const char* text) : value_(std::string(text)) {}  // NOLINT(google-explicit-constructor)

    Data(Json value) : value_(std::move(value)) {}  // NOLINT(google-explicit-constructor)

    // The `data` string of the REST request.
    [[nodiscard]] std::string encode() const;

private:
    std::variant<std::string, Json> value_;
};

// The channels of a trigger: one name ("orders") or several ({"a", "b"} or a vector).
class Channels {
public:
    Channels(const char* name) : names_{name} {}  // NOLINT(google-explicit-constructor)

    Channels(std::string_view name) : names_{std::string(name)} {}  // NOLINT

    Channels(std::string name) : names_{std::move(name)} {}  // NOLINT(google-explicit-constructor)

    Channels(std::initializer_list<std::string_view> names)  // NOLINT
        : names_(names.begin(), names.end()) {}

    Channels(std::vector<std::string> names) : names_(std::move(names)) {}  // NOLINT

    [[nodiscard]] const std::vector<std::string>& names() const noexcept { return names_; }

private:
    std::vector<std::string> names_;
};

struct TriggerParams {
    std::optional<std::string> socket_id;  // this connection does not receive the event
    std::optional<std::string> info;       // e.g. "user_count,subscription_count"
};

struct BatchEvent {
    std::string channel;
    std::string name;
    Data data;
    std::optional<std::string> socket_id;
    std::optional<std::string> info;
};

struct ChannelsParams {
    std::optional<std::string> filter_by_prefix;  // e.g. "presence-"
    std::optional<std::string> info;              // e.g. "user_count" (presence- prefix only)
};

// One signed request, ready to send. `path` is the full path, e.g. /apps/3/events.
struct SignedRequest {
    std::string method;  // "GET" or "POST"
    std::string path;
    std::string query;  // the signed query string, without '?'
    std::string body;   // empty for GET

    [[nodiscard]] std::string target() const { return path + "?" + query; }
};

// §8.2: auth_key, auth_timestamp, auth_version, body_md5 (non-empty bodies) and `params`, sorted,
// signed with HMAC-SHA256 over "METHOD\nPATH\nQUERY"; byte-for-byte what the Node SDK sends for
// the same request when the values need no escaping (others are percent-encoded in the URL and
// signed unescaped, which the server's verification also accepts).
[[nodiscard]] SignedRequest sign_request(std::string_view key, std::string_view secret,
                                         std::string_view method, std::string path,
                                         const QueryParams& params, std::string body,
                                         std::int64_t timestamp);

// Escapes what a path segment cannot hold raw (RFC 3986 pchar): valid channel names and user ids
// pass unchanged, as the official SDKs send them.
[[nodiscard]] std::string encode_path_segment(std::string_view segment);

// Argument checks; each throws sdk::Error with a sentence naming the bad value.
void check_socket_id(std::string_view socket_id);   // ^\d+\.\d+$
void check_channel_name(std::string_view channel);  // §6.2, up to 200, #server-to-user- too
void check_event_name(std::string_view event);      // 1..200 bytes
void check_user_id(std::string_view user_id);       // non-empty
void check_data_size(std::string_view data, std::size_t max_bytes);     // 0: no limit
void check_trigger_channels(const std::vector<std::string>& channels);  // 1..100, valid names

// {"name":..,"data":..,"channels":[..],"socket_id":..,"info":..}: the Node SDK's order.
[[nodiscard]] std::string trigger_body(const std::vector<std::string>& channels,
                                       std::string_view event, std::string_view data,
                                       const TriggerParams& params);

// One item of a batch with its data already encoded (and encrypted when needed).
struct EncodedBatchEvent {
    std::string channel;
    std::string name;
    std::string data;
    std::optional<std::string> socket_id;
    std::optional<std::string> info;
};

// {"batch":[{"channel":..,"name":..,"data":..,"socket_id":..,"info":..},...]}.
[[nodiscard]] std::string batch_body(const std::vector<EncodedBatchEvent>& events);

}  // namespace herald::sdk
