// herald/cli/json_log.h
//
// `log.format = "json"`: each log line as one JSON object, {"time":"2026-01-02T03:04:05.678Z",
// "level":"info","message":"..."}, for log collectors that read JSON. The time is RFC 3339 in UTC
// with milliseconds; strings are escaped for JSON, and bytes that are not UTF-8 become U+FFFD,
// so every line parses whatever a message holds.
// Owner: the logger it is installed in (spdlog clones it per sink).
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include <spdlog/formatter.h>

namespace herald::cli {

class JsonLogFormatter final : public spdlog::formatter {
public:
    void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override;
    [[nodiscard]] std::unique_ptr<spdlog::formatter> clone() const override;
};

// `text` as the body of a JSON string (without the quotes).
[[nodiscard]] std::string json_escaped(std::string_view text);

}  // namespace herald::cli
