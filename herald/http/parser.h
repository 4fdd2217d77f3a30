// herald/http/parser.h
//
// Incremental HTTP/1.1 request and response parsers over Boost.Beast's sans-I/O parser, with
// explicit limits. Feed bytes in any chunks; after Done the rest of the input belongs to the next
// protocol (e.g. WebSocket frames sent right behind an upgrade request).
// Owner: one connection on one thread.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "herald/http/message.h"

namespace herald::http {

struct ParserLimits {
    std::size_t max_header_bytes = 8 * 1024;   // request/status line and all fields
    std::size_t max_body_bytes = 1024 * 1024;  // Content-Length or chunked body
};

enum class ParseStatus {
    NeedMore,
    Done,
    Error,
};

struct ParseStep {
    ParseStatus status = ParseStatus::NeedMore;
    // Input consumed by this call. NeedMore consumes all of it (the parser keeps an unfinished
    // line itself); Done stops exactly at the end of the message.
    std::size_t used_bytes = 0;
    unsigned error_status = 0;  // Error: 400, 413 (body too large), 431 (header too large) ...
    std::string error;          // Error: a precise, human-readable reason
};

class RequestParser {
public:
    explicit RequestParser(ParserLimits limits = {});
    ~RequestParser();
    RequestParser(const RequestParser&) = delete;
    RequestParser& operator=(const RequestParser&) = delete;

    // Consumes a prefix of `bytes`. After Done or Error, further calls return the same status.
    ParseStep feed(std::string_view bytes);

    // The parsed request; complete after Done.
    [[nodiscard]] Request& request();

    // Ready for the next request on the same connection (keep-alive).
    void reset();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

class ResponseParser {
public:
    explicit ResponseParser(ParserLimits limits = {});
    ~ResponseParser();
    ResponseParser(const ResponseParser&) = delete;
    ResponseParser& operator=(const ResponseParser&) = delete;

    ParseStep feed(std::string_view bytes);

    // Tells the parser the response has ended (connection closed): completes EOF-delimited bodies.
    ParseStep finish();

    [[nodiscard]] Response& response();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace herald::http
