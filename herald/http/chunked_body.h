// herald/http/chunked_body.h
//
// Decodes the chunked transfer coding (RFC 9112 §7.1) incrementally. Its result never depends on
// how the input was split: a chunk-size line or the trailer section must end within `line_limit`
// bytes, a chunk that would take the body past `body_limit` is refused as soon as its size line
// is complete, and trailer fields are checked and then dropped (RFC 9110 §6.5.1: a recipient must
// not merge them into the header unless it knows they are safe to merge).
// Owner: one parser on one thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace herald::http {

struct ChunkedStep {
    enum class Status {
        NeedMore,
        Done,
        Error
    };
    Status status = Status::NeedMore;
    std::size_t used_bytes = 0;  // consumed from the input; an unfinished line is left unconsumed
    unsigned error_status = 0;   // 400, or 413 when the body limit is reached
    std::string error;
};

class ChunkedBody {
public:
    ChunkedBody(std::size_t line_limit, std::size_t body_limit)
        : line_limit_(line_limit), body_limit_(body_limit) {}

    // Appends decoded data to `body`. Call again with the unconsumed rest plus new bytes.
    ChunkedStep feed(std::string_view input, std::string& body);

private:
    enum class State {
        SizeLine,
        Data,
        DataEnd,
        Trailer,
        Done
    };

    // The line at the start of the input: complete when its CRLF lies within the budget,
    // too_long when the budget is spent without one.
    struct Line {
        std::string_view text;
        bool complete = false;
        bool too_long = false;
    };

    [[nodiscard]] static Line take_line(std::string_view input, std::size_t budget);

    bool on_size_line(std::string_view line, ChunkedStep& step);
    bool on_trailer_line(std::string_view line, ChunkedStep& step);

    std::size_t line_limit_;
    std::size_t body_limit_;
    State state_ = State::SizeLine;
    std::size_t body_bytes_ = 0;     // announced by the chunk-size lines so far
    std::uint64_t remaining_ = 0;    // data bytes left in the current chunk
    std::size_t trailer_bytes_ = 0;  // trailer section seen so far
};

}  // namespace herald::http
