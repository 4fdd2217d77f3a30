#include "herald/server/console_event.h"

#include <chrono>

namespace herald::server {

ConsoleEvent::ConsoleEvent(std::string_view kind) {
    const auto now = std::chrono::system_clock::now().time_since_epoch();
    json_.begin_object()
            .key("time")
            .number(std::chrono::duration_cast<std::chrono::milliseconds>(now).count())
            .key("kind")
            .string(kind);
}

ConsoleEvent& ConsoleEvent::text(std::string_view key, std::string_view value) {
    json_.key(key).string(value);
    return *this;
}

ConsoleEvent& ConsoleEvent::maybe_text(std::string_view key,
                                       const std::optional<std::string>& value) {
    return value ? text(key, std::string_view(*value)) : *this;
}

ConsoleEvent& ConsoleEvent::number(std::string_view key, std::int64_t value) {
    json_.key(key).number(value);
    return *this;
}

ConsoleEvent& ConsoleEvent::texts(std::string_view key, std::span<const std::string> values) {
    json_.key(key).begin_array();
    for (const auto& value : values) {
        json_.string(value);
    }
    json_.end_array();
    return *this;
}

std::string ConsoleEvent::finish() {
    json_.end_object();
    return json_.take();
}

}  // namespace herald::server
