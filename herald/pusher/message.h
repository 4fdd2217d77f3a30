// herald/pusher/message.h
//
// Client-to-server messages (protocol.md §3, §4): one JSON object per WebSocket text frame,
// parsed into a typed value or a precise fault, and written back in the form pusher-js sends.
// Also the event-name rules of §6.9. Server-to-client messages are in server_message.h.
// Knows nothing of sockets or WebSocket framing.
// Owner: a MessageParser belongs to one worker (it keeps simdjson's buffers between calls).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include "herald/pusher/error_code.h"
#include "herald/pusher/limits.h"
#include "herald/util/result.h"

namespace herald::pusher {

namespace events {
inline constexpr std::string_view kPing = "pusher:ping";
inline constexpr std::string_view kPong = "pusher:pong";
inline constexpr std::string_view kSubscribe = "pusher:subscribe";
inline constexpr std::string_view kUnsubscribe = "pusher:unsubscribe";
inline constexpr std::string_view kSignin = "pusher:signin";
inline constexpr std::string_view kClientPrefix = "client-";
}  // namespace events

// An event's `data` as it travelled (§3.2): absent, a JSON string (held decoded) or any other
// JSON value (held as compact JSON text, exactly as re-serialised from what was received).
struct EventData {
    enum class Kind : std::uint8_t {
        Absent,
        String,
        Json,
    };
    Kind kind = Kind::Absent;
    std::string text;

    [[nodiscard]] static EventData string(std::string s) { return {Kind::String, std::move(s)}; }

    [[nodiscard]] static EventData json(std::string compact) {
        return {Kind::Json, std::move(compact)};
    }

    friend bool operator==(const EventData&, const EventData&) = default;
};

struct Ping {
    friend bool operator==(const Ping&, const Ping&) = default;
};

struct Pong {
    friend bool operator==(const Pong&, const Pong&) = default;
};

// §4.3. `auth` is "" when the client sent none (public channels); channel_data is the exact
// signed string (§7.3). shared_secret and unknown fields are dropped.
struct Subscribe {
    std::string channel;
    std::string auth;
    std::optional<std::string> channel_data;
    friend bool operator==(const Subscribe&, const Subscribe&) = default;
};

// §4.6.
struct Unsubscribe {
    std::string channel;
    friend bool operator==(const Unsubscribe&, const Unsubscribe&) = default;
};

// §4.11. user_data is the exact signed string.
struct Signin {
    std::string auth;
    std::string user_data;
    friend bool operator==(const Signin&, const Signin&) = default;
};

// §4.9: an event whose name starts with "client-"; the channel is required.
struct ClientEvent {
    std::string event;
    std::string channel;
    EventData data;
    friend bool operator==(const ClientEvent&, const ClientEvent&) = default;
};

// Any other event name (unknown pusher:* events, names without the client- prefix). Servers
// ignore these (§4.9 step 1, §5.4); they are kept so that nothing is lost in a round trip.
struct OtherEvent {
    std::string event;
    std::optional<std::string> channel;
    EventData data;
    friend bool operator==(const OtherEvent&, const OtherEvent&) = default;
};

using ClientMessage =
        std::variant<Ping, Pong, Subscribe, Unsubscribe, Signin, ClientEvent, OtherEvent>;

enum class MessageFault : std::uint8_t {
    TooLarge,         // longer than the parser's limit (§2.6)
    NotJson,          // not JSON text, invalid UTF-8, or a number no double or 64-bit int holds
    TooDeep,          // nested deeper than the parser's limit (§11.6)
    NotAnObject,      // the message is not a JSON object
    MissingEvent,     // no "event" member
    MissingField,     // a required member (named in `field`) is absent
    WrongType,        // a member (named in `field`) has the wrong JSON type
    DataNotAnObject,  // pusher:subscribe/unsubscribe/signin data is not an object (or JSON text of
                      // one)
};

struct MessageError {
    MessageFault fault = MessageFault::NotJson;
    std::string_view field;  // "event", "channel", "data", "auth", ... or "" (a static string)
    friend bool operator==(const MessageError&, const MessageError&) = default;
};

// §5.4: malformed input is answered with pusher:error, code null, and the connection stays open.
[[nodiscard]] ErrorCode error_code(const MessageError& error) noexcept;

// "Invalid message format: ..." for the pusher:error message.
[[nodiscard]] std::string describe(const MessageError& error);

// The message, or why it is not one. Moving the message in and out moves its strings.
using ParseResult = util::Result<ClientMessage, MessageError>;

// Bytes that must be readable after the text passed to parse_padded().
inline constexpr std::size_t kJsonPadding = 64;

class MessageParser {
public:
    explicit MessageParser(std::size_t max_message_bytes = kMaxClientMessageBytes,
                           std::size_t max_depth = kMaxJsonDepth);
    ~MessageParser();
    MessageParser(MessageParser&&) noexcept;
    MessageParser& operator=(MessageParser&&) noexcept;
    MessageParser(const MessageParser&) = delete;
    MessageParser& operator=(const MessageParser&) = delete;

    // Parses one client message; the text is copied into padded memory first.
    [[nodiscard]] ParseResult parse(std::string_view text);

    // As parse(), in place: kJsonPadding readable bytes must follow the text (STYLE §3.3).
    [[nodiscard]] ParseResult parse_padded(std::string_view text);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// One-shot parse with the default limits (tests, tools, the fuzz target).
[[nodiscard]] ParseResult parse_client_message(std::string_view text);

// The message as pusher-js writes it: compact JSON, data objects for the pusher:* events.
[[nodiscard]] std::string serialize(const ClientMessage& message);

enum class EventNameError : std::uint8_t {
    Empty,
    TooLong,   // over kMaxEventNameLength
    Reserved,  // starts with "pusher:" or "pusher_internal:" (only the server emits those)
};

// §6.9: any characters, at most max_length bytes, no reserved prefix. nullopt when valid.
[[nodiscard]] std::optional<EventNameError> check_event_name(
        std::string_view name, std::size_t max_length = kMaxEventNameLength) noexcept;

[[nodiscard]] std::string_view describe(EventNameError error) noexcept;

[[nodiscard]] bool is_client_event_name(std::string_view name) noexcept;

// §6.9: the size the data limit applies to: the string's bytes, or the compact JSON's.
[[nodiscard]] std::size_t data_bytes(const EventData& data) noexcept;

}  // namespace herald::pusher
