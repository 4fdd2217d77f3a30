#include "herald/http/message.h"

#include <algorithm>
#include <utility>

#include "herald/util/ascii.h"

namespace herald::http {

namespace {

// RFC 9110 §6.4.1: 1xx, 204 and 304 responses never carry content.
bool status_allows_body(unsigned status) {
    return status >= 200 && status != 204 && status != 304;
}

void append_version(unsigned version, std::string& out) {
    out += "HTTP/";
    out += std::to_string(version / 10);
    out += '.';
    out += std::to_string(version % 10);
}

void append_fields(const Fields& fields, std::string& out) {
    for (const auto& field : fields.all()) {
        out += field.name;
        out += ": ";
        out += field.value;
        out += "\r\n";
    }
}

bool has_framing(const Fields& fields) {
    return fields.count("Content-Length") > 0 || fields.count("Transfer-Encoding") > 0;
}

}  // namespace

void Fields::add(std::string name, std::string value) {
    fields_.push_back(Field{std::move(name), std::move(value)});
}

void Fields::set(std::string_view name, std::string value) {
    const auto same_name = [name](const Field& f) {
        return util::iequals(f.name, name);
    };
    const auto first = std::find_if(fields_.begin(), fields_.end(), same_name);
    if (first == fields_.end()) {
        fields_.push_back(Field{std::string(name), std::move(value)});
        return;
    }
    // Keep the position (and spelling) of the first occurrence; drop the others.
    first->value = std::move(value);
    fields_.erase(std::remove_if(std::next(first), fields_.end(), same_name), fields_.end());
}

std::optional<std::string_view> Fields::get(std::string_view name) const {
    for (const auto& field : fields_) {
        if (util::iequals(field.name, name)) {
            return std::string_view{field.value};
        }
    }
    return std::nullopt;
}

std::string Fields::joined(std::string_view name) const {
    std::string out;
    bool first = true;
    for (const auto& field : fields_) {
        if (!util::iequals(field.name, name)) {
            continue;
        }
        if (!first) {
            out += ", ";
        }
        out += field.value;
        first = false;
    }
    return out;
}

std::size_t Fields::count(std::string_view name) const {
    return static_cast<std::size_t>(
            std::count_if(fields_.begin(), fields_.end(),
                          [name](const Field& f) { return util::iequals(f.name, name); }));
}

std::string_view Request::path() const {
    const std::string_view view(target);
    return view.substr(0, view.find('?'));
}

std::string_view Request::query() const {
    const std::string_view view(target);
    const auto mark = view.find('?');
    return mark == std::string_view::npos ? std::string_view{} : view.substr(mark + 1);
}

std::string_view reason_phrase(unsigned status) noexcept {
    // RFC 9110 §15, plus 429 (RFC 6585) and 431 (RFC 6585 §5).
    switch (status) {
        case 100:
            return "Continue";
        case 101:
            return "Switching Protocols";
        case 200:
            return "OK";
        case 201:
            return "Created";
        case 202:
            return "Accepted";
        case 204:
            return "No Content";
        case 301:
            return "Moved Permanently";
        case 302:
            return "Found";
        case 304:
            return "Not Modified";
        case 400:
            return "Bad Request";
        case 401:
            return "Unauthorized";
        case 403:
            return "Forbidden";
        case 404:
            return "Not Found";
        case 405:
            return "Method Not Allowed";
        case 408:
            return "Request Timeout";
        case 409:
            return "Conflict";
        case 411:
            return "Length Required";
        case 413:
            return "Content Too Large";
        case 414:
            return "URI Too Long";
        case 415:
            return "Unsupported Media Type";
        case 422:
            return "Unprocessable Content";
        case 426:
            return "Upgrade Required";
        case 429:
            return "Too Many Requests";
        case 431:
            return "Request Header Fields Too Large";
        case 500:
            return "Internal Server Error";
        case 501:
            return "Not Implemented";
        case 502:
            return "Bad Gateway";
        case 503:
            return "Service Unavailable";
        case 504:
            return "Gateway Timeout";
        case 505:
            return "HTTP Version Not Supported";
        default:
            return "Unknown";
    }
}

std::string serialize_head(const Response& response) {
    std::string out;
    append_version(response.version, out);
    out += ' ';
    out += std::to_string(response.status);
    out += ' ';
    out += reason_phrase(response.status);
    out += "\r\n";
    append_fields(response.fields, out);
    out += "\r\n";
    return out;
}

std::string serialize(const Response& response) {
    std::string out;
    out.reserve(128 + response.body.size());
    append_version(response.version, out);
    out += ' ';
    out += std::to_string(response.status);
    out += ' ';
    out += reason_phrase(response.status);
    out += "\r\n";
    append_fields(response.fields, out);
    if ((!response.body.empty() || status_allows_body(response.status)) &&
        !has_framing(response.fields)) {
        out += "Content-Length: " + std::to_string(response.body.size()) + "\r\n";
    }
    out += "\r\n";
    out += response.body;
    return out;
}

std::string serialize(const Request& request) {
    std::string out;
    out.reserve(128 + request.body.size());
    out += request.method;
    out += ' ';
    out += request.target;
    out += ' ';
    append_version(request.version, out);
    out += "\r\n";
    append_fields(request.fields, out);
    if (!request.body.empty() && !has_framing(request.fields)) {
        out += "Content-Length: " + std::to_string(request.body.size()) + "\r\n";
    }
    out += "\r\n";
    out += request.body;
    return out;
}

Response text_response(unsigned status, std::string text) {
    Response response;
    response.status = status;
    response.fields.add("Content-Type", "text/plain; charset=utf-8");
    response.fields.add("Connection", "close");
    response.body = std::move(text);
    return response;
}

}  // namespace herald::http
