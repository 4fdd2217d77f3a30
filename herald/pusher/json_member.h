// herald/pusher/json_member.h
//
// Reading a member of a parsed JSON object as JavaScript does: when a key appears more than once,
// the last one wins (JSON.parse keeps the last; simdjson's at_key() finds the first). Herald then
// reads the same channel, event and data as pusher-js, the server SDKs and the application's own
// JSON.parse, so a message with a repeated key cannot mean one thing to Herald and another to
// whoever checks it.
// Owner: none (pure functions).
#pragma once

#include <optional>
#include <string_view>

#include <simdjson.h>

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

}  // namespace herald::pusher
