#include "herald/util/json_writer.h"

#include <array>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <utility>

namespace herald::util {

namespace {

constexpr std::string_view kReplacementCharacter = "\xEF\xBF\xBD";  // U+FFFD

struct Utf8Step {
    std::size_t length;  // bytes consumed: the sequence, or the maximal ill-formed subpart
    bool valid;
};

// Reads one UTF-8 sequence from the front of non-empty `s` (well-formed sequences per
// Unicode Table 3-7: no overlong forms, no surrogates, nothing above U+10FFFF).
Utf8Step utf8_step(std::string_view s) noexcept {
    const auto lead = static_cast<unsigned char>(s[0]);
    std::size_t tail = 0;
    unsigned char low = 0x80;
    unsigned char high = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF) {
        tail = 1;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        tail = 2;
        low = lead == 0xE0 ? 0xA0 : low;    // overlong
        high = lead == 0xED ? 0x9F : high;  // surrogates
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        tail = 3;
        low = lead == 0xF0 ? 0x90 : low;    // overlong
        high = lead == 0xF4 ? 0x8F : high;  // above U+10FFFF
    } else {
        return {1, false};
    }
    for (std::size_t i = 1; i <= tail; ++i) {
        if (i >= s.size()) {
            return {i, false};
        }
        const auto b = static_cast<unsigned char>(s[i]);
        if (b < low || b > high) {
            return {i, false};
        }
        low = 0x80;
        high = 0xBF;
    }
    return {tail + 1, true};
}

bool needs_escape(unsigned char c) noexcept {
    return c < 0x20 || c == '"' || c == '\\';
}

void append_escape(std::string& out, unsigned char c) {
    static constexpr char kHex[] = "0123456789abcdef";
    switch (c) {
        case '"':
            out += "\\\"";
            return;
        case '\\':
            out += "\\\\";
            return;
        case '\b':
            out += "\\b";
            return;
        case '\f':
            out += "\\f";
            return;
        case '\n':
            out += "\\n";
            return;
        case '\r':
            out += "\\r";
            return;
        case '\t':
            out += "\\t";
            return;
        default:
            break;
    }
    out += "\\u00";
    out.push_back(kHex[c >> 4U]);
    out.push_back(kHex[c & 0x0FU]);
}

}  // namespace

void append_json_string(std::string& out, std::string_view s) {
    out.push_back('"');
    std::size_t i = 0;
    while (i < s.size()) {
        std::size_t run = i;
        while (run < s.size() && static_cast<unsigned char>(s[run]) < 0x80 &&
               !needs_escape(static_cast<unsigned char>(s[run]))) {
            ++run;
        }
        out.append(s.substr(i, run - i));
        i = run;
        if (i == s.size()) {
            break;
        }
        const auto c = static_cast<unsigned char>(s[i]);
        if (c < 0x80) {
            append_escape(out, c);
            ++i;
            continue;
        }
        const Utf8Step step = utf8_step(s.substr(i));
        out.append(step.valid ? s.substr(i, step.length) : kReplacementCharacter);
        i += step.length;
    }
    out.push_back('"');
}

std::string json_quote(std::string_view s) {
    std::string out;
    out.reserve(s.size() + 2);
    append_json_string(out, s);
    return out;
}

void JsonWriter::before_value() {
    if (after_key_) {
        after_key_ = false;
        return;
    }
    if (!has_members_.empty()) {
        if (has_members_.back()) {
            out_.push_back(',');
        }
        has_members_.back() = true;
    }
}

JsonWriter& JsonWriter::open(char bracket) {
    before_value();
    out_.push_back(bracket);
    has_members_.push_back(false);
    return *this;
}

JsonWriter& JsonWriter::close(char bracket) {
    out_.push_back(bracket);
    if (!has_members_.empty()) {
        has_members_.pop_back();
    }
    return *this;
}

JsonWriter& JsonWriter::begin_object() {
    return open('{');
}

JsonWriter& JsonWriter::end_object() {
    return close('}');
}

JsonWriter& JsonWriter::begin_array() {
    return open('[');
}

JsonWriter& JsonWriter::end_array() {
    return close(']');
}

JsonWriter& JsonWriter::key(std::string_view name) {
    before_value();
    append_json_string(out_, name);
    out_.push_back(':');
    after_key_ = true;
    return *this;
}

JsonWriter& JsonWriter::string(std::string_view value) {
    before_value();
    append_json_string(out_, value);
    return *this;
}

JsonWriter& JsonWriter::boolean(bool value) {
    before_value();
    out_ += value ? "true" : "false";
    return *this;
}

JsonWriter& JsonWriter::null() {
    before_value();
    out_ += "null";
    return *this;
}

JsonWriter& JsonWriter::signed_number(std::int64_t value) {
    before_value();
    std::array<char, 24> buf{};
    auto* const end = std::to_chars(buf.data(), buf.data() + buf.size(), value).ptr;
    out_.append(buf.data(), end);
    return *this;
}

JsonWriter& JsonWriter::unsigned_number(std::uint64_t value) {
    before_value();
    std::array<char, 24> buf{};
    auto* const end = std::to_chars(buf.data(), buf.data() + buf.size(), value).ptr;
    out_.append(buf.data(), end);
    return *this;
}

JsonWriter& JsonWriter::number(double value) {
    if (!std::isfinite(value)) {
        return null();  // RFC 8259 §6: no NaN or Infinity in JSON
    }
    before_value();
    std::array<char, 32> buf{};
    auto* const end = std::to_chars(buf.data(), buf.data() + buf.size(), value).ptr;
    out_.append(buf.data(), end);
    return *this;
}

JsonWriter& JsonWriter::raw(std::string_view json) {
    before_value();
    out_.append(json);
    return *this;
}

std::string JsonWriter::take() {
    std::string text = std::move(out_);
    out_.clear();
    has_members_.clear();
    after_key_ = false;
    return text;
}

}  // namespace herald::util
