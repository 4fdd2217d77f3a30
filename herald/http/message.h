// herald/http/message.h
//
// HTTP/1.1 requests and responses as plain values, and their serialisation (RFC 9112).
// Field names keep their spelling; lookups ignore case.
// Owner: plain values, any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace herald::http {

struct Field {
    std::string name;
    std::string value;
};

class Fields {
public:
    void add(std::string name, std::string value);

    // Replaces every field named `name` with one field.
    void set(std::string_view name, std::string value);

    // The value of the first field named `name`, if any.
    [[nodiscard]] std::optional<std::string_view> get(std::string_view name) const;

    // All values of fields named `name`, joined with ", " (RFC 9110 §5.3); empty when absent.
    [[nodiscard]] std::string joined(std::string_view name) const;

    [[nodiscard]] std::size_t count(std::string_view name) const;

    [[nodiscard]] const std::vector<Field>& all() const noexcept { return fields_; }

private:
    std::vector<Field> fields_;
};

struct Request {
    std::string method = "GET";
    std::string target = "/";  // origin-form: path and query, as received
    unsigned version = 11;     // 10 for HTTP/1.0, 11 for HTTP/1.1
    Fields fields;
    std::string body;

    [[nodiscard]] std::string_view path() const;   // target up to '?'
    [[nodiscard]] std::string_view query() const;  // after '?', without it; empty when none
};

struct Response {
    unsigned status = 200;
    unsigned version = 11;
    Fields fields;
    std::string body;
};

// The standard reason phrase for `status` ("Switching Protocols", "Bad Request", ...).
[[nodiscard]] std::string_view reason_phrase(unsigned status) noexcept;

// Status line, fields and body. Adds Content-Length when the body is not empty or the status
// allows a body and no Content-Length or Transfer-Encoding is set.
[[nodiscard]] std::string serialize(const Response& response);

// Status line and fields only, nothing added: the head of a body the caller frames itself.
[[nodiscard]] std::string serialize_head(const Response& response);

// Request line, fields and body (Content-Length added for a non-empty body).
[[nodiscard]] std::string serialize(const Request& request);

// A small text response: status, Content-Type text/plain, `Connection: close` and `text`.
[[nodiscard]] Response text_response(unsigned status, std::string text);

}  // namespace herald::http
