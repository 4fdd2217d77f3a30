// herald/server/console_event.h
//
// One event of the dashboard's console as the JSON object the page reads (docs/OPERATIONS.md,
// "Admin API": `{"time": <unix ms>, "kind": "...", ...fields}`). Built only when a console
// watches (DebugFeed::watching), so its allocations never reach an unwatched hot path.
// Owner: none (a value under construction).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "herald/util/json_writer.h"

namespace herald::server {

class ConsoleEvent {
public:
    explicit ConsoleEvent(std::string_view kind);

    ConsoleEvent& text(std::string_view key, std::string_view value);
    // Nothing: the field is left out.
    ConsoleEvent& maybe_text(std::string_view key, const std::optional<std::string>& value);
    ConsoleEvent& number(std::string_view key, std::int64_t value);
    ConsoleEvent& texts(std::string_view key, std::span<const std::string> values);

    // The text; the event is then empty.
    [[nodiscard]] std::string finish();

private:
    util::JsonWriter json_;
};

}  // namespace herald::server
