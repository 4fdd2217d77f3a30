// herald/pusher/json_member.h
//
// Reading a message's envelope (the JSON object and its "event", the first steps for a client's
// message and a server's alike) and a member of a parsed JSON object as JavaScript does: when a
// key appears more than once, the last one wins (JSON.parse keeps the last; simdjson's at_key()
// finds the first). Herald then reads the same channel, event and data as pusher-js, the server
// SDKs and the application's own JSON.parse, so a message with a repeated key cannot mean one thing
// to Herald and another to whoever checks it. Owner: none (pure functions).
#pragma once

#include <optional>
#include <string_view>

#include <simdjson.h>

#include "herald/pusher/message.h"
#include "herald/util/result.h"

namespace herald::pusher {

[[nodiscard]] inline std::optional<simdjson::dom::element> last_member(
        simdjson::dom::object object, std::string_view key) noexcept {
    std::optional<simdjson::dom::element> found;
    for (const auto field : object) {
        if (field.key == key) {
            found = field.value;
        }
    }
    return found;
}

[[nodiscard]] inline util::unexpected<MessageError> message_failure(MessageFault fault,
                                                                    std::string_view field = {}) {
    return util::unexpected(MessageError{fault, field});
}

struct Envelope {
    simdjson::dom::object object;  // lives as long as the parser's document
    std::string_view event;
};

// `text` parsed into `parser`: JSON, an object, with a string "event" (§3.1). `padded`: the text
// has simdjson's padding after it (no copy is made).
[[nodiscard]] util::Result<Envelope, MessageError> read_envelope(simdjson::dom::parser& parser,
                                                                 std::string_view text,
                                                                 bool padded = false);

}  // namespace herald::pusher
