#include "herald/http/chunked_body.h"

#include <algorithm>

namespace herald::http {

namespace {

constexpr std::string_view kCrlf = "\r\n";
constexpr int kMaxSizeDigits = 16;  // 64 bits of chunk size

bool is_tchar(char c) {
    const auto u = static_cast<unsigned char>(c);
    if ((u >= '0' && u <= '9') || (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z')) {
        return true;
    }
    return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

// Field-value and quoted-string octets: visible ASCII, space, tab and obs-text (RFC 9110 §5.5).
bool is_text(char c) {
    const auto u = static_cast<unsigned char>(c);
    return u == '\t' || (u >= 0x20U && u != 0x7FU);
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    const auto lower = static_cast<char>(c | 0x20);
    return lower >= 'a' && lower <= 'f' ? lower - 'a' + 10 : -1;
}

void skip_whitespace(std::string_view& s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
        s.remove_prefix(1);
    }
}

std::string_view take_token(std::string_view& s) {
    std::size_t n = 0;
    while (n < s.size() && is_tchar(s[n])) {
        ++n;
    }
    const auto token = s.substr(0, n);
    s.remove_prefix(n);
    return token;
}

// quoted-string = DQUOTE *( qdtext / quoted-pair ) DQUOTE (RFC 9110 §5.6.4).
bool take_quoted(std::string_view& s) {
    if (s.empty() || s.front() != '"') {
        return false;
    }
    for (std::size_t i = 1; i < s.size(); ++i) {
        if (s[i] == '"') {
            s.remove_prefix(i + 1);
            return true;
        }
        if (s[i] == '\\') {
            ++i;
        }
        if (i >= s.size() || !is_text(s[i])) {
            return false;
        }
    }
    return false;
}

// chunk-ext = *( BWS ";" BWS chunk-ext-name [ BWS "=" BWS chunk-ext-val ] )
bool valid_extensions(std::string_view s) {
    for (skip_whitespace(s); !s.empty(); skip_whitespace(s)) {
        if (s.front() != ';') {
            return false;
        }
        s.remove_prefix(1);
        skip_whitespace(s);
        if (take_token(s).empty()) {
            return false;
        }
        skip_whitespace(s);
        if (s.empty() || s.front() != '=') {
            continue;
        }
        s.remove_prefix(1);
        skip_whitespace(s);
        if (take_token(s).empty() && !take_quoted(s)) {
            return false;
        }
    }
    return true;
}

ChunkedStep failure(unsigned status, std::string error) {
    ChunkedStep step;
    step.status = ChunkedStep::Status::Error;
    step.error_status = status;
    step.error = std::move(error);
    return step;
}

}  // namespace

ChunkedBody::Line ChunkedBody::take_line(std::string_view input, std::size_t budget) {
    Line line;
    const auto end = input.substr(0, budget).find(kCrlf);
    if (end != std::string_view::npos) {
        line.text = input.substr(0, end);
        line.complete = true;
    } else {
        line.too_long = input.size() >= budget;
    }
    return line;
}

bool ChunkedBody::on_size_line(std::string_view line, ChunkedStep& step) {
    std::uint64_t size = 0;
    int digits = 0;
    for (; digits < static_cast<int>(line.size()) && hex_value(line[digits]) >= 0; ++digits) {
        if (digits == kMaxSizeDigits) {
            step = failure(400, "chunk size does not fit in 64 bits");
            return false;
        }
        size = size * 16 + static_cast<std::uint64_t>(hex_value(line[digits]));
    }
    if (digits == 0) {
        step = failure(400, "malformed chunk size line");
        return false;
    }
    if (!valid_extensions(line.substr(static_cast<std::size_t>(digits)))) {
        step = failure(400, "malformed chunk extension");
        return false;
    }
    if (size > body_limit_ - body_bytes_) {
        step = failure(413, "body exceeds " + std::to_string(body_limit_) + " bytes");
        return false;
    }
    body_bytes_ += static_cast<std::size_t>(size);
    remaining_ = size;
    state_ = size == 0 ? State::Trailer : State::Data;
    return true;
}

bool ChunkedBody::on_trailer_line(std::string_view line, ChunkedStep& step) {
    if (line.empty()) {
        state_ = State::Done;
        return true;
    }
    auto rest = line;
    const bool named = !take_token(rest).empty() && !rest.empty() && rest.front() == ':';
    if (!named || !std::all_of(rest.begin(), rest.end(), is_text)) {
        step = failure(400, "invalid trailer field");
        return false;
    }
    return true;
}

ChunkedStep ChunkedBody::feed(std::string_view input, std::string& body) {
    ChunkedStep step;
    std::size_t used = 0;
    while (state_ != State::Done) {
        const auto rest = input.substr(used);
        if (state_ == State::Data) {
            const auto n =
                    static_cast<std::size_t>(std::min<std::uint64_t>(remaining_, rest.size()));
            if (n == 0) {
                break;
            }
            body.append(rest.substr(0, n));
            used += n;
            remaining_ -= n;
            if (remaining_ == 0) {
                state_ = State::DataEnd;
            }
            continue;
        }
        if (state_ == State::DataEnd) {
            const auto n = std::min(rest.size(), kCrlf.size());
            if (rest.substr(0, n) != kCrlf.substr(0, n)) {
                return failure(400, "chunk data is not followed by CRLF");
            }
            if (n < kCrlf.size()) {
                break;
            }
            used += n;
            state_ = State::SizeLine;
            continue;
        }
        const bool trailer = state_ == State::Trailer;
        const auto budget = trailer ? line_limit_ - trailer_bytes_ : line_limit_;
        const auto line = take_line(rest, budget);
        if (line.too_long) {
            return failure(400, "chunk size line or trailer section exceeds " +
                                        std::to_string(line_limit_) + " bytes");
        }
        if (!line.complete) {
            break;
        }
        const auto taken = line.text.size() + kCrlf.size();
        if (!(trailer ? on_trailer_line(line.text, step) : on_size_line(line.text, step))) {
            return step;
        }
        used += taken;
        trailer_bytes_ += trailer ? taken : 0;
    }
    step.status = state_ == State::Done ? ChunkedStep::Status::Done : ChunkedStep::Status::NeedMore;
    step.used_bytes = used;
    return step;
}

}  // namespace herald::http
